package dev.ternary.cli;

import java.io.PrintWriter;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ternary} command: parses arguments, dispatches to one class per subcommand. */
@Command(
        name = "ternary",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Convert, inspect and run 1.58-bit (ternary) language models.",
        subcommands = {
            ConvertCommand.class,
            InspectCommand.class,
            ChatCommand.class,
            GenerateCommand.class,
            PerplexityCommand.class,
            BenchCommand.class,
            SynthesizeCommand.class,
            DataCommand.class,
            TokenizerCommand.class,
            TrainCommand.class,
            DistillCommand.class,
            AutoComplete.GenerateCompletion.class,
        })
public final class TernaryCommand {

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code (0 ok, 1 user error, 2 usage error). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(out, err);
        if (!VectorModuleCheck.isPresent()) {
            err.println("ternary: error: " + VectorModuleCheck.MESSAGE);
            return 1;
        }
        return cli.execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new TernaryCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ErrorReporter());
        cli.setParameterExceptionHandler(ErrorReporter::handleUsageError);
        CommandLine completion = cli.getSubcommands().get("generate-completion");
        if (completion != null) {
            completion.getCommandSpec().usageMessage().hidden(false);
        }
        return cli;
    }
}
