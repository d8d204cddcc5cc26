package dev.mcppool.cli;

/**
 * A failure already explained in one line for the person at the terminal. {@link ErrorReporter} prints the message
 * as {@code error: <message>} and exits with {@link #exitCode()}; the cause's stack trace appears only with
 * {@code --verbose}. Messages never hold header values or URL query strings.
 */
final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CommandFailure(String message, Throwable cause) {
        this(message, cause, ExitCodes.FAILURE);
    }

    CommandFailure(String message, Throwable cause, int exitCode) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
