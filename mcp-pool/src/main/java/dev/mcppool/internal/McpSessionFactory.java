package dev.mcppool.internal;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.PoolConfig;
import dev.mcppool.Transport;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.common.McpTransportContext;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * Opens, checks and closes MCP sessions over Streamable HTTP, SSE ({@link HttpTransports}) and stdio
 * ({@link StdioProcesses}), for either front door ({@link ClientKind}), always through the session's asynchronous
 * kernel: nothing here blocks a thread.
 *
 * <p>Requests the pool makes itself (initialize, health checks) carry the session's transport context, as the
 * callers' requests do. A session is closed only after any health check still on the wire has ended and after any
 * re-initialization the SDK started in the background (when the server forgot the session) has settled, so that
 * neither can open a server session behind a client already closed. Every client built and not yet closed is
 * tracked, and {@link #shutdown()} closes what is left.
 *
 * @param <S> the client type callers get
 */
public final class McpSessionFactory<S> implements SessionFactory<S> {

    private static final Logger log = LoggerFactory.getLogger(McpSessionFactory.class);

    private final PoolConfig config;
    private final ClientKind<S> kind;
    private final HttpTransports transports;
    private final StdioProcesses stdio;
    /** Clients built and not closed yet, with the health check each has on the wire (or a completed future). */
    private final Map<S, CompletableFuture<?>> open = new ConcurrentHashMap<>();
    /** Handshakes (with the close of a session opened too late) still running. */
    private final java.util.Set<CompletableFuture<?>> handshakes = ConcurrentHashMap.newKeySet();

    private final TaskTimer timer;

    /** @param timer runs the create timeout */
    public McpSessionFactory(PoolConfig config, ClientKind<S> kind, String threadName, TaskTimer timer) {
        this.config = config;
        this.timer = timer;
        this.kind = kind;
        this.transports = new HttpTransports(config, threadName);
        this.stdio = new StdioProcesses(config);
    }

    /** Runs a request with these transport-context headers. */
    public static <T> Mono<T> withContext(Mono<T> request, McpTransportContext context) {
        return request.contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context));
    }

    @Override
    public CompletableFuture<S> open(SessionSpec spec, SessionContext context) {
        StdioProcess process = spec.transport() == Transport.STDIO ? stdio.transport(spec) : null;
        ConnectWatch watch = null;
        S client;
        try {
            if (process == null) {
                watch = new ConnectWatch(transports.transport(spec));
            }
            client = kind.build(process != null ? process : watch, context, config, transports.clientInfo());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        open.put(client, CompletableFuture.completedFuture(null));
        CompletableFuture<S> result = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<?> handshake =
                withContext(kind.kernel(client).initialize(), context.transportContext()).toFuture();
        TaskTimer.Cancellable deadline = timer.schedule(() -> {
            if (failing.compareAndSet(false, true)) {
                // A stdio server that did not answer is stopped now; an HTTP handshake is left to finish (the SDK's
                // own initialization timeout is longer) and the session it opens is closed when it does.
                fail(client, process, new TimeoutException("initialize did not complete within "
                        + config.createTimeout()), result, false);
            }
        }, config.createTimeout().toNanos());
        if (watch != null) {
            // The SDK logs a failed connect (SSE: connection refused) but leaves initialize waiting: fail it now.
            // The handshake still running is closed when it ends, as after the create timeout.
            watch.failed().thenAccept(error -> {
                if (failing.compareAndSet(false, true)) {
                    deadline.cancel();
                    fail(client, null, error, result, false);
                }
            });
        }
        track(handshake.handle((initialized, error) -> {
            deadline.cancel();
            if (error == null) {
                if (process != null) {
                    stdio.opened(client, process);
                }
                if (failing.compareAndSet(false, true)) {
                    result.complete(client);
                } else {
                    return close(client); // the caller gave up at the create timeout: end the session it opened
                }
            } else if (failing.compareAndSet(false, true)) {
                fail(client, process, unwrap(error), result, true);
            } else if (process == null) {
                closeNow(client);
            }
            return CompletableFuture.<Void>completedFuture(null);
        }).thenCompose(closing -> closing));
        return result;
    }

    /**
     * Fails an open: a stdio server is stopped first and its stderr goes into the error; an HTTP client that never
     * initialized is closed at once, one whose handshake is still running is closed when the handshake ends.
     */
    private void fail(S client, StdioProcess process, Throwable cause, CompletableFuture<S> result,
            boolean handshakeEnded) {
        if (process != null) {
            stdio.failed(process, cause).thenAccept(failure -> {
                closeNow(client);
                result.completeExceptionally(failure);
            });
            return;
        }
        if (handshakeEnded) {
            closeNow(client); // never initialized: nothing to settle, nothing to wait for
        }
        result.completeExceptionally(cause instanceof RuntimeException r ? r
                : cause instanceof TimeoutException ? cause : new IllegalStateException(cause));
    }

    private void track(CompletableFuture<?> work) {
        handshakes.add(work);
        work.whenComplete((r, e) -> handshakes.remove(work));
    }

    /** Completes when every handshake running now has ended and any session it opened too late is closed. */
    @Override
    public CompletableFuture<Void> settled() {
        return CompletableFuture.allOf(handshakes.toArray(CompletableFuture[]::new)).handle((r, e) -> null);
    }

    @Override
    public boolean isUsable(S client) {
        return stdio.isAlive(client);
    }

    @Override
    public CompletableFuture<HealthCheckOutcome> check(S client, SessionContext context, HealthCheckMethod method,
            Duration timeout) {
        if (method == HealthCheckMethod.SKIP) {
            return CompletableFuture.completedFuture(HealthCheckOutcome.PASSED);
        }
        McpAsyncClient kernel = kind.kernel(client);
        // A forgotten session is re-initialized by the SDK in place; the step is repeated once to join it.
        Mono<Object> request = withContext(request(kernel, method), context.transportContext())
                .onErrorResume(Failures::isSessionNotFound,
                        e -> withContext(request(kernel, method), context.transportContext()));
        CompletableFuture<Object> onWire = request.toFuture();
        open.replace(client, onWire);
        return onWire.thenApply(ok -> HealthCheckOutcome.PASSED)
                .completeOnTimeout(HealthCheckOutcome.TIMED_OUT, timeout.toNanos(), TimeUnit.NANOSECONDS)
                .exceptionally(McpSessionFactory::outcome);
    }

    private static HealthCheckOutcome outcome(Throwable error) {
        Throwable cause = unwrap(error);
        if (Failures.isMethodNotFound(cause)) {
            return HealthCheckOutcome.UNSUPPORTED;
        }
        return cause instanceof TimeoutException || Failures.isTimeout(cause) ? HealthCheckOutcome.TIMED_OUT
                : HealthCheckOutcome.FAILED;
    }

    private static Mono<Object> request(McpAsyncClient client, HealthCheckMethod method) {
        return switch (method) {
            case PING -> client.ping();
            case LIST_TOOLS -> client.listTools().cast(Object.class);
            case LIST_PROMPTS -> client.listPrompts().cast(Object.class);
            case LIST_RESOURCES -> client.listResources().cast(Object.class);
            case SKIP -> Mono.just(Boolean.TRUE);
        };
    }

    /**
     * Closes gracefully within the close timeout, then forcibly: waits (bounded) for a health check still on the
     * wire and for a background re-initialization to settle, then sends the DELETE (or stops the process).
     */
    @Override
    public CompletableFuture<Void> close(S client) {
        CompletableFuture<?> check = open.remove(client);
        if (check == null) {
            return CompletableFuture.completedFuture(null);
        }
        long budget = config.closeTimeout().toNanos();
        McpAsyncClient kernel = kind.kernel(client);
        return check.handle((r, e) -> null).completeOnTimeout(null, budget, TimeUnit.NANOSECONDS)
                .thenCompose(ignored -> settle(kernel))
                .thenCompose(ignored -> closeGracefully(client, kernel))
                .handle((r, e) -> {
                    if (e != null) {
                        log.debug("Closing a session gracefully failed: {}", Failures.describe(e));
                    }
                    forceClose(client, kernel);
                    return null;
                });
    }

    /**
     * After the server forgot a session the SDK re-initializes the client in the background; joining that
     * initialization (bounded) before closing lets the DELETE end the session it opens.
     */
    private CompletableFuture<Object> settle(McpAsyncClient kernel) {
        if (kernel.isInitialized()) {
            return CompletableFuture.completedFuture(null);
        }
        return kernel.initialize().cast(Object.class).timeout(config.closeTimeout())
                .onErrorResume(e -> Mono.empty()).toFuture();
    }

    private CompletableFuture<Void> closeGracefully(S client, McpAsyncClient kernel) {
        CompletableFuture<Void> process = stdio.stop(client);
        if (process != null) {
            return process;
        }
        return kernel.closeGracefully().timeout(config.closeTimeout()).toFuture();
    }

    private void forceClose(S client, McpAsyncClient kernel) {
        try {
            kernel.close();
        } catch (RuntimeException e) {
            log.debug("Closing a session failed: {}", Failures.describe(e));
        }
        stdio.kill(client);
    }

    @Override
    public void closeNow(S client) {
        open.remove(client);
        forceClose(client, kind.kernel(client));
    }

    /** Closes forcibly what is still open, then stops the HTTP executor once its last exchanges are done. */
    @Override
    public void shutdown() {
        for (S client : open.keySet()) {
            closeNow(client);
        }
        transports.shutdown();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
