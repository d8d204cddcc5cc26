package dev.mcppool.internal;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Opens, checks and closes the sessions of one kind (for example {@code McpSyncClient}) for the engine, which knows
 * nothing of MCP itself. Implementations are thread-safe.
 *
 * @param <S> the session type
 */
public interface SessionFactory<S> {

    /**
     * Opens and initializes a session; blocks up to the creation timeout.
     *
     * @throws Exception whatever the SDK threw; the engine classifies it
     */
    S open(SessionSpec spec, SessionContext context) throws Exception;

    /** A cheap local check before reuse, without I/O (for example: is the server process still alive?). */
    default boolean isUsable(S session) {
        return true;
    }

    /** Runs one health-check step within the timeout; never throws. */
    HealthCheckOutcome check(S session, HealthCheckMethod method, Duration timeout);

    /** Starts closing a session and returns at once; the close completes within the close timeout. */
    void close(S session);

    /** Closes a session, waiting at most until the close timeout; returns whether it closed gracefully. */
    boolean closeGracefully(S session);

    /** Releases the factory's own resources (HTTP client, threads) after every session is closed. */
    void shutdown();

    /** Opens a session without blocking the calling thread; only factories of the async front door support it. */
    default CompletableFuture<S> openAsync(SessionSpec spec, SessionContext context) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " opens sessions synchronously");
    }

    /** Runs one health-check step without blocking the calling thread; completes with the outcome, never fails. */
    default CompletableFuture<HealthCheckOutcome> checkAsync(S session, HealthCheckMethod method,
            Duration timeout) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " checks sessions synchronously");
    }
}
