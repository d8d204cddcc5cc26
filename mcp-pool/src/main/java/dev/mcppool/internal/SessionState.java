package dev.mcppool.internal;

/**
 * The life of one pooled session. Every change goes through {@link PooledEntry#moveTo}, which {@link Partition}
 * calls under its lock; a transition not listed here is a pool bug and fails loudly.
 *
 * <pre>
 *              +-------------------------------+
 *              v                               |
 *  OPENING-> IDLE ---acquire---> LEASED ---release---+
 *      |  ^     \                  ^   \
 *      |  |      validate         pass  \---discard---> CLOSING ---closed---> CLOSED
 *      |  |        v                |                     ^
 *      |  +--keep-- VALIDATING -----+-----fail------------+
 *      +--expire / drain / room / shutdown ---------------+
 * </pre>
 *
 * A session starts {@link #OPENING}; once its partition accepts it, it is {@link #LEASED} to the caller it was
 * opened for, or {@link #IDLE} when it was opened by warm-up.
 */
enum SessionState {

    /** Handshake done, not yet accepted by its partition (still counted as creating); shutdown leaves it alone. */
    OPENING,
    /** In its partition's idle deque, ready to be leased. */
    IDLE,
    /** Held by exactly one lease. */
    LEASED,
    /** Taken from the idle deque for a health check (on acquire, or a keepalive ping); nobody else can take it. */
    VALIDATING,
    /** Discarded; its close is queued or running. It still holds a unit of the global budget. */
    CLOSING,
    /** Closed; its global unit is free again. Terminal. */
    CLOSED;

    /** Whether a session may move from this state to {@code next}. */
    boolean canMoveTo(SessionState next) {
        return switch (this) {
            case OPENING -> next == LEASED || next == IDLE || next == CLOSING;
            case IDLE -> next == LEASED || next == VALIDATING || next == CLOSING;
            case LEASED -> next == IDLE || next == CLOSING;
            case VALIDATING -> next == LEASED || next == IDLE || next == CLOSING;
            case CLOSING -> next == CLOSED;
            case CLOSED -> false;
        };
    }

    /** Whether the session is out of the idle deque but still counted in its partition (leased or validating). */
    boolean isBusy() {
        return this == LEASED || this == VALIDATING;
    }
}
