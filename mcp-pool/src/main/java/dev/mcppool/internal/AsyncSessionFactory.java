package dev.mcppool.internal;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.PoolConfig;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.common.McpTransportContext;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Mono;

/**
 * Opens {@link McpAsyncClient} sessions for the async front door, without blocking the caller. The async client has
 * no transport-context provider: the session's (and a lease's) headers travel in the Reactor context of each
 * request, written by {@link #withContext}.
 */
public final class AsyncSessionFactory implements SessionFactory<McpAsyncClient> {

    private static final Logger log = LoggerFactory.getLogger(AsyncSessionFactory.class);

    private final PoolConfig config;
    private final HttpTransports transports;
    private final StdioProcesses stdio;

    public AsyncSessionFactory(PoolConfig config, String threadName) {
        this.config = config;
        this.transports = new HttpTransports(config, threadName);
        this.stdio = new StdioProcesses(config);
    }

    /** Runs a request with these transport-context headers. */
    public static <T> Mono<T> withContext(Mono<T> request, McpTransportContext context) {
        return request.contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context));
    }

    @Override
    public CompletableFuture<McpAsyncClient> openAsync(SessionSpec spec, SessionContext context) {
        McpAsyncClient client;
        StdioProcess process = spec.transport() == dev.mcppool.Transport.STDIO ? stdio.transport(spec) : null;
        try {
            client = McpClient.async(process != null ? process : transports.transport(spec))
                    .requestTimeout(config.requestTimeout())
                    .initializationTimeout(config.createTimeout())
                    .clientInfo(transports.clientInfo())
                    .build();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return withContext(client.initialize(), context.transportContext())
                .timeout(config.createTimeout())
                .toFuture()
                .handle((result, error) -> {
                    if (error != null) {
                        RuntimeException failure = process != null ? stdio.failed(process, error)
                                : error instanceof RuntimeException r ? r : new IllegalStateException(error);
                        closeQuietly(client);
                        throw failure;
                    }
                    if (process != null) {
                        stdio.opened(client, process);
                    }
                    return client;
                });
    }

    @Override
    public McpAsyncClient open(SessionSpec spec, SessionContext context) throws Exception {
        try {
            return openAsync(spec, context).get(config.createTimeout().toNanos() * 2, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @Override
    public CompletableFuture<HealthCheckOutcome> checkAsync(McpAsyncClient client, HealthCheckMethod method,
            Duration timeout) {
        if (method == HealthCheckMethod.SKIP) {
            return CompletableFuture.completedFuture(HealthCheckOutcome.PASSED);
        }
        // A forgotten session is re-initialized by the SDK in place; the step is repeated once to join it.
        Mono<Object> request = request(client, method)
                .onErrorResume(Failures::isSessionNotFound, e -> request(client, method));
        return request.timeout(timeout)
                .map(ok -> HealthCheckOutcome.PASSED)
                .onErrorResume(e -> Mono.just(outcome(e)))
                .toFuture();
    }

    private static HealthCheckOutcome outcome(Throwable error) {
        if (Failures.isMethodNotFound(error)) {
            return HealthCheckOutcome.UNSUPPORTED;
        }
        return error instanceof TimeoutException || Failures.isTimeout(error) ? HealthCheckOutcome.TIMED_OUT
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

    @Override
    public HealthCheckOutcome check(McpAsyncClient client, HealthCheckMethod method, Duration timeout) {
        return checkAsync(client, method, timeout).join();
    }

    @Override
    public boolean isUsable(McpAsyncClient client) {
        return stdio.isAlive(client);
    }

    @Override
    public void close(McpAsyncClient client) {
        stdio.kill(client);
        closeQuietly(client);
    }

    @Override
    public boolean closeGracefully(McpAsyncClient client) {
        if (stdio.stop(client)) {
            closeQuietly(client);
            return true;
        }
        try {
            client.closeGracefully().block(config.closeTimeout().plusSeconds(1));
            return true;
        } catch (RuntimeException e) {
            log.debug("Closing a session gracefully failed: {}", Failures.describe(e));
            closeQuietly(client);
            return false;
        }
    }

    private static void closeQuietly(McpAsyncClient client) {
        try {
            client.close();
        } catch (RuntimeException e) {
            log.debug("Closing a session failed: {}", Failures.describe(e));
        }
    }

    @Override
    public void shutdown() {
        transports.shutdown();
    }
}
