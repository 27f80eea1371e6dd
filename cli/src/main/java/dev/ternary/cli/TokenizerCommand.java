package dev.ternary.cli;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.output.StagedFile;
import dev.ternary.convert.tokenizer.BpeTrainer;
import dev.ternary.convert.tokenizer.BpeVocabulary;
import dev.ternary.convert.tokenizer.ByteLevelTokenizerJson;
import dev.ternary.train.data.TextCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ternary tokenizer}: vocabularies for models trained from scratch. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Make tokenizers.", subcommands = TokenizerCommand.Train.class)
final class TokenizerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code ternary tokenizer train}: a byte-level BPE vocabulary learned from text. */
    @Command(name = "train", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "Learn a byte-level BPE vocabulary (GPT-2/Llama 3 style) from text and write it as a"
                    + " Hugging Face tokenizer.json.")
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "DATA", description = "Text file, JSONL file or a directory of them.")
        Path data;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "tokenizer.json to write.")
        Path output;

        @Option(names = "--vocab-size", defaultValue = "4096", paramLabel = "N",
                description = "Tokens including the special ones (default: ${DEFAULT-VALUE}).")
        int vocabSize;

        @Option(names = "--special", split = ",", defaultValue = "<|begin_of_text|>,<|end_of_text|>",
                paramLabel = "TOKEN", description = "Special tokens, given the last ids (default: ${DEFAULT-VALUE}).")
        List<String> specials;

        @Option(names = "--force", description = "Replace FILE if it exists.")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (vocabSize < 256 + specials.size() || vocabSize > 1 << 20) {
                throw new InvalidInputException("--vocab-size must be between " + (256 + specials.size())
                        + " (the 256 bytes and the special tokens) and " + (1 << 20) + ", got " + vocabSize);
            }
            if (Files.exists(output) && !force) {
                throw InvalidInputException.inFile(output, "already exists; choose another output or pass --force");
            }
            BpeTrainer trainer = new BpeTrainer();
            TextCorpus.forEachDocument(data, trainer::add);
            BpeVocabulary vocabulary = trainer.train(vocabSize, specials);
            StagedFile.write(output, out -> ByteLevelTokenizerJson.write(out, vocabulary));
            if (!common.quiet) {
                spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %s: %d tokens (%d merges, %d special)%n",
                        output, vocabulary.size(), vocabulary.merges().size(), specials.size());
            }
            return 0;
        }
    }
}
