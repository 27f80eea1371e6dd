package dev.ternary.cli;

import dev.ternary.convert.InvalidInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions into one line on stderr and exit code 1. Problems with the user's input are reported as
 * they are; anything else is a bug, reported with a hint. {@code --verbose} adds the stack trace.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    static final int USER_ERROR = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        boolean verbose = parsed.subcommands().stream()
                .anyMatch(p -> p.hasMatchedOption("--verbose")) || parsed.hasMatchedOption("--verbose");
        cmd.getErr().println("ternary: error: " + describe(e));
        if (verbose) {
            e.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return USER_ERROR;
    }

    /** A usage mistake: the problem and where to read more, not the whole help text; exit code 2. */
    static int handleUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + e.getMessage());
        cmd.getErr().println("Try '" + name + " --help' for more information.");
        cmd.getErr().flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    static String describe(Throwable e) {
        return switch (e) {
            case InvalidInputException u -> u.getMessage();
            case NoSuchFileException f -> f.getFile() + ": no such file or directory";
            case AccessDeniedException f -> f.getFile() + ": permission denied";
            case FileSystemException f -> f.getFile() + ": " + firstLine(f.getReason());
            case OutOfMemoryError m -> "out of memory: " + m.getMessage() + " (try fewer --threads)";
            default -> "unexpected " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage())
                    + " (this is a bug; rerun with --verbose and report the stack trace)";
        };
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
