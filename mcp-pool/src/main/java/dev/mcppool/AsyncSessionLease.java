package dev.mcppool;

import io.modelcontextprotocol.client.McpAsyncClient;

import java.util.Map;
import java.util.function.Function;

import reactor.core.publisher.Mono;

/**
 * An initialized MCP session lent by {@link McpAsyncSessionPool} to one caller until {@link #close()}. The session
 * is the SDK's {@link McpAsyncClient} (Reactor API).
 *
 * <p>Run requests through {@link #call(Function)}: it sends the caller's headers (and any
 * {@linkplain #setCallHeaders per-call headers}) with each request, which the async client can only carry in the
 * Reactor context. Requests made directly on {@link #client()} carry only the headers the session was opened with.
 *
 * <p>Closing returns the session to the pool; closing twice is a no-op. Mark the lease broken after a failure that
 * leaves the session in doubt. A lease belongs to one caller at a time.
 */
public interface AsyncSessionLease extends AutoCloseable {

    /**
     * The session's client.
     *
     * @throws IllegalStateException if the lease is closed
     */
    McpAsyncClient client();

    /** Runs a request on the session, with this lease's headers in its Reactor context. */
    <T> Mono<T> call(Function<McpAsyncClient, Mono<T>> request);

    /** The key the session was created under. */
    PoolKey key();

    /** Marks the session broken: on close it is discarded, not returned to the pool. */
    void markBroken();

    /** Headers for this lease's following {@link #call}s only; see {@link SessionLease#setCallHeaders}. */
    void setCallHeaders(Map<String, String> headers);

    boolean isClosed();

    /** Returns the session to the pool, or discards it if marked broken, expired or the pool is closed. */
    @Override
    void close();
}
