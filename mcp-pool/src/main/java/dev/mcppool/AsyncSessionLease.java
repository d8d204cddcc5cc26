package dev.mcppool;

import io.modelcontextprotocol.client.McpAsyncClient;

import java.util.function.Function;

import reactor.core.publisher.Mono;

/**
 * A session lent by {@link McpAsyncSessionPool}; its client is the SDK's {@link McpAsyncClient} (Reactor API).
 *
 * <p>Run requests through {@link #call(Function)}: it sends the caller's headers (and any
 * {@linkplain #setCallHeaders per-call headers}) with each request, which the async client can only carry in the
 * Reactor context. Requests made directly on {@link #client()} carry only the headers the session was opened with.
 * See {@link Lease} for closing and marking broken.
 */
public interface AsyncSessionLease extends Lease {

    /**
     * The session's client.
     *
     * @throws IllegalStateException if the lease is closed
     */
    McpAsyncClient client();

    /** Runs a request on the session, with this lease's headers in its Reactor context. */
    <T> Mono<T> call(Function<McpAsyncClient, Mono<T>> request);
}
