package dev.mcppool.internal;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import reactor.core.publisher.Mono;

/**
 * A transport that reports the failure of its {@code connect}. The SDK's client logs a failed connect ("Client failed
 * during connect") but does not fail {@code initialize}, which then waits for the create timeout: over SSE a server
 * that refuses the connection kept callers waiting that long (issue 15). The factory fails the open at once instead.
 */
final class ConnectWatch implements McpClientTransport {

    private final McpClientTransport delegate;
    private final CompletableFuture<Throwable> failed = new CompletableFuture<>();

    ConnectWatch(McpClientTransport delegate) {
        this.delegate = delegate;
    }

    /** Completes with the error if {@code connect} fails; never completes otherwise. */
    CompletableFuture<Throwable> failed() {
        return failed;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return delegate.connect(handler).doOnError(failed::complete);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        delegate.setExceptionHandler(handler);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return delegate.sendMessage(message);
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return delegate.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }
}
