package dev.mcppool.internal;

import dev.mcppool.PoolConfig;

import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Builds the SDK's HTTP client transports for pooled sessions, for the sync and the async front door alike.
 *
 * <p>Every session's {@link HttpClient} runs its work on one bounded executor shared by the pool, so worker threads
 * do not grow with sessions; each client still has its own selector thread (the SDK builds one client per
 * transport). Sharing one client across sessions was tried and dropped: when the SDK closes a session it cancels
 * that session's in-flight exchanges, and the JDK's HTTP/1.1 connection pool then closed connections already reused
 * by other sessions' requests ("connection closed locally") under concurrent load.
 *
 * <p>Headers: the session's headers go on every request through the transport's request template; the headers of
 * the current lease and call travel in the transport context and are set by a request customizer, so a per-call
 * header such as {@code traceparent} reaches only the call it belongs to. DELETEs are bounded by the close timeout.
 */
public final class HttpTransports {

    private final PoolConfig config;
    private final ThreadPoolExecutor httpExecutor;
    private final McpSchema.Implementation clientInfo;

    public HttpTransports(PoolConfig config, String threadName) {
        this.config = config;
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.httpExecutor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new NamedThreadFactory(threadName));
        httpExecutor.allowCoreThreadTimeOut(true);
        this.clientInfo = new McpSchema.Implementation(config.clientName(), config.clientVersion());
    }

    public McpSchema.Implementation clientInfo() {
        return clientInfo;
    }

    public McpClientTransport transport(SessionSpec spec) {
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
            case STDIO -> throw new IllegalArgumentException("not an HTTP target: " + spec);
        };
    }

    /** The caller's customization (TLS, proxy), then the pool's shared executor. */
    private void customizeClient(HttpClient.Builder builder) {
        config.httpClientCustomizer().ifPresent(customizer -> customizer.accept(builder));
        builder.executor(httpExecutor);
    }

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

    /**
     * Stops the shared executor once every session is closed. {@code shutdown}, not {@code shutdownNow}: a closed
     * session's HTTP client may still finish its last exchange (the DELETE) on it.
     */
    public void shutdown() {
        httpExecutor.shutdown();
    }

    ExecutorService executor() {
        return httpExecutor;
    }
}
