package dev.mcppool.internal;

/**
 * What a partition gives an acquire: an idle session ({@link PooledEntry}, already {@code LEASED}, or
 * {@code VALIDATING} when its health check is due), the right to open one ({@link Signal#CREATE}), a place in the
 * queue ({@link Waiter}), or word to look again ({@link Signal#RETRY}, {@link Signal#NEED_ROOM}). Whoever holds an
 * entry or a {@code CREATE} must use it or give it back. A waiter's future completes with an entry or {@code CREATE}.
 */
public sealed interface Reservation permits PooledEntry, Waiter, Reservation.Signal {

    enum Signal implements Reservation {
        /** One creation slot of the key, counted in {@code creating} and in the global budget. */
        CREATE,
        /** The key was evicted under the acquire: look the partition up again. */
        RETRY,
        /** The key has room but the global budget is spent: close an idle session elsewhere, then look again. */
        NEED_ROOM,
        /** The pool is closed. */
        CLOSED
    }
}
