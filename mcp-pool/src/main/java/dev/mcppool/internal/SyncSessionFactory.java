package dev.mcppool.internal;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.PoolConfig;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens {@link McpSyncClient} sessions over the SDK's Streamable HTTP and SSE client transports. Every session's
 * {@link HttpClient} runs its work on one bounded executor shared by the pool, so worker threads do not grow with
 * sessions; each client still has its own selector thread (the SDK builds one client per transport). Sharing one
 * client across sessions was tried and dropped: when the SDK closes a session it cancels that session's in-flight
 * exchanges, and the JDK's HTTP/1.1 connection pool then closed connections already reused by other sessions'
 * requests ("connection closed locally") under concurrent load.
 *
 * <p>Headers: the session's headers go on every request through the transport's request template; the headers of
 * the current lease and call travel in the client's transport context and are set by a request customizer, so a
 * per-call header such as {@code traceparent} reaches only the call it belongs to.
 */
public final class SyncSessionFactory implements SessionFactory<McpSyncClient> {

    private static final Logger log = LoggerFactory.getLogger(SyncSessionFactory.class);

    private final PoolConfig config;
    private final ExecutorService httpExecutor;
    private final ExecutorService worker;
    private final McpSchema.Implementation clientInfo;

    /**
     * @param worker     runs health-check requests, so each step can be given up at its own timeout
     * @param threadName prefix of the HTTP client's executor threads
     */
    public SyncSessionFactory(PoolConfig config, ExecutorService worker, String threadName) {
        this.config = config;
        this.worker = worker;
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new NamedThreadFactory(threadName));
        executor.allowCoreThreadTimeOut(true);
        this.httpExecutor = executor;
        this.clientInfo = new McpSchema.Implementation(config.clientName(), config.clientVersion());
    }

    @Override
    public McpSyncClient open(SessionSpec spec, SessionContext context) {
        McpSyncClient client = McpClient.sync(transport(spec))
                .requestTimeout(config.requestTimeout())
                .initializationTimeout(config.createTimeout())
                .clientInfo(clientInfo)
                .transportContextProvider(context::transportContext)
                .build();
        try {
            client.initialize();
            return client;
        } catch (RuntimeException | Error e) {
            if (Failures.isInterrupt(e) || Thread.currentThread().isInterrupted()) {
                finishAndClose(client);
            } else {
                close(client);
            }
            throw e;
        }
    }

    /**
     * The caller was interrupted while its {@code initialize} was on the wire: the server may open the session
     * anyway. In the background, wait for that handshake (bounded by the creation timeout) and then close the
     * session properly, so the server is not left holding a session nobody will ever close.
     */
    private void finishAndClose(McpSyncClient client) {
        try {
            worker.execute(() -> {
                try {
                    client.initialize();
                } catch (RuntimeException e) {
                    log.debug("Handshake of an abandoned session failed: {}", Failures.describe(e));
                }
                closeGracefully(client);
            });
        } catch (RejectedExecutionException e) {
            close(client);
        }
    }

    private McpClientTransport transport(SessionSpec spec) {
        URI uri = spec.uri();
        HttpRequest.Builder template = HttpRequest.newBuilder();
        spec.headers().forEach(template::header);
        return switch (spec.transport()) {
            case STREAMABLE_HTTP -> HttpClientStreamableHttpTransport.builder(Urls.base(uri))
                    .endpoint(Urls.endpoint(uri, "/mcp"))
                    .customizeClient(this::customizeClient)
                    .connectTimeout(config.connectTimeout())
                    .requestBuilder(template)
                    .addHttpRequestCustomizer(this::customize)
                    .build();
            case SSE -> HttpClientSseClientTransport.builder(Urls.base(uri))
                    .sseEndpoint(Urls.endpoint(uri, "/sse"))
                    .customizeClient(this::customizeClient)
                    .connectTimeout(config.connectTimeout())
                    .requestBuilder(template)
                    .addHttpRequestCustomizer(this::customize)
                    .build();
        };
    }

    /** The caller's customization (TLS, proxy), then the pool's shared executor. */
    private void customizeClient(HttpClient.Builder builder) {
        config.httpClientCustomizer().ifPresent(customizer -> customizer.accept(builder));
        builder.executor(httpExecutor);
    }

    /** See {@link McpSyncHttpClientRequestCustomizer}: bounds the DELETE and applies lease and call headers. */
    private void customize(HttpRequest.Builder request, String method, URI uri, String body,
            McpTransportContext context) {
        if ("DELETE".equals(method)) {
            request.timeout(config.closeTimeout());
        }
        Object headers = context == null ? null : context.get(SessionContext.HEADERS);
        if (headers instanceof Map<?, ?> map) {
            map.forEach((name, value) -> request.setHeader((String) name, (String) value));
        }
    }

    @Override
    public HealthCheckOutcome check(McpSyncClient client, HealthCheckMethod method, Duration timeout) {
        if (method == HealthCheckMethod.SKIP) {
            return HealthCheckOutcome.PASSED;
        }
        CompletableFuture<Object> request;
        try {
            request = CompletableFuture.supplyAsync(() -> run(client, method), worker);
        } catch (RejectedExecutionException e) {
            return HealthCheckOutcome.FAILED;
        }
        try {
            request.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return HealthCheckOutcome.PASSED;
        } catch (TimeoutException e) {
            return HealthCheckOutcome.TIMED_OUT;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (Failures.isMethodNotFound(cause)) {
                return HealthCheckOutcome.UNSUPPORTED;
            }
            return Failures.isTimeout(cause) ? HealthCheckOutcome.TIMED_OUT : HealthCheckOutcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckOutcome.FAILED;
        }
    }

    /**
     * One health-check request. If the server had forgotten the session, the SDK re-initializes the client in place
     * at once; the step is repeated once, joining that initialization, so a session the SDK has healed is kept.
     */
    private static Object run(McpSyncClient client, HealthCheckMethod method) {
        try {
            return request(client, method);
        } catch (RuntimeException e) {
            if (!Failures.isSessionNotFound(e)) {
                throw e;
            }
            return request(client, method);
        }
    }

    private static Object request(McpSyncClient client, HealthCheckMethod method) {
        return switch (method) {
            case PING -> client.ping();
            case LIST_TOOLS -> client.listTools();
            case LIST_PROMPTS -> client.listPrompts();
            case LIST_RESOURCES -> client.listResources();
            case SKIP -> Boolean.TRUE;
        };
    }

    @Override
    public void close(McpSyncClient client) {
        try {
            client.close();
        } catch (RuntimeException e) {
            log.debug("Closing a session failed: {}", Failures.describe(e));
        }
    }

    @Override
    public boolean closeGracefully(McpSyncClient client) {
        try {
            return client.closeGracefully();
        } catch (RuntimeException e) {
            log.debug("Closing a session gracefully failed: {}", Failures.describe(e));
            client.close();
            return false;
        }
    }

    /**
     * Stops the shared executor once every session is closed. {@code shutdown}, not {@code shutdownNow}: a closed
     * session's HTTP client may still finish its last exchange (the DELETE) on it.
     */
    @Override
    public void shutdown() {
        httpExecutor.shutdown();
    }
}
