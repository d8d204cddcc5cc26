package dev.mcppool;

/**
 * The thread was interrupted while it waited for a session or created one. Whatever the acquire held has been
 * given back, and the thread's interrupt flag is set again.
 */
public final class AcquireInterruptedException extends McpPoolException {

    private static final long serialVersionUID = 1L;

    public AcquireInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
