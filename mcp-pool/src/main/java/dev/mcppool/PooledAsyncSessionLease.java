package dev.mcppool;

import dev.mcppool.internal.McpSessionFactory;
import dev.mcppool.internal.PoolEngine;
import dev.mcppool.internal.PooledEntry;

import io.modelcontextprotocol.client.McpAsyncClient;

import java.util.Map;
import java.util.function.Function;

import reactor.core.publisher.Mono;

/** The lease handed out by {@link McpAsyncSessionPool}. */
final class PooledAsyncSessionLease extends AbstractLease<McpAsyncClient> implements AsyncSessionLease {

    PooledAsyncSessionLease(PoolEngine<McpAsyncClient> engine, PooledEntry<McpAsyncClient> entry,
            Map<String, String> leaseHeaders) {
        super(engine, entry, leaseHeaders);
    }

    @Override
    public <T> Mono<T> call(Function<McpAsyncClient, Mono<T>> request) {
        return Mono.defer(() -> McpSessionFactory.withContext(request.apply(client()),
                entry().context().transportContext()));
    }
}
