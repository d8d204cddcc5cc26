package dev.mcppool;

/** The pool has been closed: it hands out no more sessions. */
public final class PoolClosedException extends McpPoolException {

    private static final long serialVersionUID = 1L;

    public PoolClosedException(String message) {
        super(message);
    }
}
