package dev.mcppool;

/**
 * No session became available for a key within the acquire timeout (every allowed session was leased or being
 * created), or a global bound ({@code maxTotalSessions}, {@code maxKeys}) left no room. The message carries the
 * key's counts, for example {@code leased=10, idle=0, creating=0, waiting=7}.
 */
public final class PoolExhaustedException extends McpPoolException {

    private static final long serialVersionUID = 1L;

    public PoolExhaustedException(String message) {
        super(message);
    }
}
