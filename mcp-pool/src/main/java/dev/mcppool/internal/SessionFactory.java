package dev.mcppool.internal;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Opens, checks and closes the sessions of one kind for the engine, which knows nothing of MCP itself. Every
 * operation that talks to a server is asynchronous: it returns at once and never blocks the calling thread, so no
 * pool thread ever waits on network I/O. Implementations are thread-safe.
 *
 * @param <S> the session type
 */
public interface SessionFactory<S> {

    /**
     * Opens and initializes a session; the future fails with what went wrong, or with a {@link
     * java.util.concurrent.TimeoutException} at the create timeout. Either way the factory closes what it built: a
     * handshake still running at the timeout is left to finish (once it is on the wire the server may open the
     * session) and the session is closed then, so no session stays open on the server unknown.
     */
    CompletableFuture<S> open(SessionSpec spec, SessionContext context);

    /** A cheap local check before reuse, without I/O (for example: is the server process still alive?). */
    default boolean isUsable(S session) {
        return true;
    }

    /** Runs one health-check step within the timeout; the future completes with the outcome and never fails. */
    CompletableFuture<HealthCheckOutcome> check(S session, SessionContext context, HealthCheckMethod method,
            Duration timeout);

    /**
     * Closes a session gracefully (HTTP DELETE, or asking a server process to exit) within the close timeout, then
     * forcibly; the future completes when the session is closed and never fails.
     */
    CompletableFuture<Void> close(S session);

    /** Closes a session forcibly at once, without waiting for anything. */
    void closeNow(S session);

    /**
     * Completes when the work the factory runs on its own (handshakes still running, the close of a session opened
     * after its create timeout) has ended; the pool waits for it, bounded, before {@link #shutdown()}.
     */
    default CompletableFuture<Void> settled() {
        return CompletableFuture.completedFuture(null);
    }

    /** Releases the factory's own resources (HTTP executor) after every session is closed. */
    void shutdown();
}
