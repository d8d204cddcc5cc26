package dev.mcppool.internal;

/** A stdio server process failed to start or to answer {@code initialize}; the message carries its stderr. */
final class StdioStartException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StdioStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
