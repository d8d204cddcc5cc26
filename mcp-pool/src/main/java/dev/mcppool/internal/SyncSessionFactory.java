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

import java.lang.reflect.Method;
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
 * Opens {@link McpSyncClient} sessions over the SDK's Streamable HTTP and SSE client transports, all sharing one
 * {@link HttpClient} (one selector thread, one bounded executor) however many sessions are open.
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
    private final HttpClient httpClient;
    private final SharedHttpClientBuilder sharedBuilder;
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
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        config.httpClientCustomizer().ifPresent(customizer -> customizer.accept(builder));
        this.httpClient = builder.executor(httpExecutor).connectTimeout(config.connectTimeout()).build();
        this.sharedBuilder = new SharedHttpClientBuilder(httpClient);
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
            close(client);
            throw e;
        }
    }

    private McpClientTransport transport(SessionSpec spec) {
        URI uri = spec.uri();
        HttpRequest.Builder template = HttpRequest.newBuilder();
        spec.headers().forEach(template::header);
        return switch (spec.transport()) {
            case STREAMABLE_HTTP -> HttpClientStreamableHttpTransport.builder(Urls.base(uri))
                    .endpoint(Urls.endpoint(uri, "/mcp"))
                    .clientBuilder(sharedBuilder)
                    .requestBuilder(template)
                    .addHttpRequestCustomizer(this::customize)
                    .build();
            case SSE -> HttpClientSseClientTransport.builder(Urls.base(uri))
                    .sseEndpoint(Urls.endpoint(uri, "/sse"))
                    .clientBuilder(sharedBuilder)
                    .requestBuilder(template)
                    .addHttpRequestCustomizer(this::customize)
                    .build();
        };
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

    private static Object run(McpSyncClient client, HealthCheckMethod method) {
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

    @Override
    public void shutdown() {
        httpExecutor.shutdownNow();
        shutdownHttpClient(httpClient);
    }

    /**
     * Java 21 added {@code HttpClient.shutdownNow()}; on it the selector thread ends at once. On Java 17 the
     * selector thread ends when the client is garbage-collected, which the pool allows by dropping every reference.
     */
    private static void shutdownHttpClient(HttpClient client) {
        try {
            Method shutdownNow = HttpClient.class.getMethod("shutdownNow");
            shutdownNow.invoke(client);
        } catch (NoSuchMethodException e) {
            // Java 17: nothing to call.
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("HttpClient.shutdownNow failed: {}", e.toString());
        }
    }
}
