package dev.ternary.convert.model;

import dev.ternary.convert.InvalidInputException;
import dev.ternary.convert.safetensors.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A Hugging Face model as the user names it: a directory, or a single {@code .safetensors} file whose
 * config.json and tokenizer files sit beside it.
 *
 * @param root        the directory holding config.json and tokenizer files
 * @param weightsFile the single weights file the user named, if they named a file
 */
public record ModelDirectory(Path root, Optional<Path> weightsFile) {

    /** Files that travel with a model unchanged: tokenizer and generation settings. */
    public static final List<String> AUXILIARY_FILES = List.of(
            "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json",
            "tokenizer.model", "chat_template.jinja");

    public static ModelDirectory open(Path input) {
        if (!Files.exists(input)) {
            throw InvalidInputException.inFile(input, "no such file or directory");
        }
        if (Files.isDirectory(input)) {
            return new ModelDirectory(input, Optional.empty());
        }
        if (!input.getFileName().toString().endsWith(".safetensors")) {
            throw InvalidInputException.inFile(input,
                    "expected a model directory or a .safetensors file");
        }
        Path parent = input.toAbsolutePath().getParent();
        return new ModelDirectory(parent, Optional.of(input));
    }

    public Path configFile() {
        return root.resolve(HfConfig.FILE_NAME);
    }

    public HfConfig config() {
        return HfConfig.read(configFile());
    }

    /** Opens the weights: the named file, or the directory's checkpoint (single or sharded). */
    public Checkpoint openCheckpoint() {
        return weightsFile.map(Checkpoint::openFile).orElseGet(() -> Checkpoint.openDirectory(root));
    }

    /** The auxiliary files present in this model. */
    public List<Path> auxiliaryFiles() {
        return AUXILIARY_FILES.stream().map(root::resolve).filter(Files::isRegularFile).toList();
    }

    /** A name for display: the directory, or the file the user named. */
    public String displayName() {
        return weightsFile.orElse(root).getFileName().toString();
    }
}
