package dev.ternary.convert;

import java.nio.file.Path;

/**
 * A problem with what the user gave us (a file, a field, an option), as opposed to a bug. Its message is one
 * line that names the file or field and says what to do; the CLI prints it without a stack trace.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A message prefixed with the file it is about. */
    public static InvalidInputException inFile(Path file, String problem) {
        return new InvalidInputException(file + ": " + problem);
    }
}
