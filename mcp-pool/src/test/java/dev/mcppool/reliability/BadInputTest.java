package dev.mcppool.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.mcppool.CallerIdentity;
import dev.mcppool.Door;
import dev.mcppool.IdentityExtractor;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolClosedException;
import dev.mcppool.PoolConfig;
import dev.mcppool.SessionCreationException;
import dev.mcppool.TestLease;
import dev.mcppool.TestPool;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Item 7: bad input of every kind a caller can give, each with the exact error the caller gets. After each case the
 * fixture checks that nothing leaked: every pool the case made is closed with no session, the MCP server holds no
 * session, and no pool thread is alive. Servers that are not MCP servers run on a JDK HTTP server on 127.0.0.1.
 * Each case that reaches a pool runs through both doors. Each case prints its row of the table in RELIABILITY.md.
 */
class BadInputTest extends ReliabilityFixture {

    private static final CallerIdentity ALICE = CallerIdentity.of("alice", Map.of("Authorization", "Bearer a"));
    private static final AtomicInteger ROW = new AtomicInteger();

    private static HttpServer notMcp;

    /** The door of the case being run; null for the cases that reach no pool. */
    private Door door;

    /** One bad input: what is done, and the error expected (exact message, or a regex after "~"). */
    record Case(String kind, Action action, Class<? extends Throwable> error, String message) {
        @Override
        public String toString() {
            return kind;
        }
    }

    @FunctionalInterface
    interface Action {
        Object run(BadInputTest test) throws Exception;
    }

    /** A case through one door, or through none. */
    record Run(Door door, Case c) {
        @Override
        public String toString() {
            return door == null ? c.kind() : door + ": " + c.kind();
        }
    }

    @BeforeAll
    static void startServerThatIsNotMcp() throws IOException {
        notMcp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        notMcp.createContext("/html", exchange -> answer(exchange, "text/html",
                "<!doctype html><html><body>Welcome</body></html>"));
        notMcp.createContext("/badjson", exchange -> answer(exchange, "application/json", "{\"jsonrpc\": \"2.0\", "));
        notMcp.start();
    }

    @AfterAll
    static void stopServerThatIsNotMcp() {
        notMcp.stop(0);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String type, String body)
            throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String notMcpUrl(String path) {
        return "http://127.0.0.1:" + notMcp.getAddress().getPort() + path;
    }

    static Stream<Run> cases() {
        return Stream.concat(withoutPool().map(c -> new Run(null, c)),
                Stream.of(Door.values()).flatMap(door -> throughPool(door).map(c -> new Run(door, c))));
    }

    /** Bad input that fails before it reaches a pool. */
    static Stream<Case> withoutPool() {
        String url = "http://127.0.0.1:8080/mcp";
        return Stream.of(
                // URLs and transports
                new Case("null URL", t -> McpTarget.streamableHttp(null), IllegalArgumentException.class,
                        "url must not be null"),
                new Case("blank URL", t -> McpTarget.streamableHttp("   "), IllegalArgumentException.class,
                        "url must not be blank"),
                new Case("relative URL", t -> McpTarget.streamableHttp("/mcp"), IllegalArgumentException.class,
                        "url must be absolute (http:// or https://), but was /mcp"),
                new Case("non-HTTP URL (ftp)", t -> McpTarget.streamableHttp("ftp://127.0.0.1/mcp"),
                        IllegalArgumentException.class, "url scheme must be http or https, but was 'ftp'"),
                new Case("non-HTTP URL (file)", t -> McpTarget.sse("file:///etc/passwd"),
                        IllegalArgumentException.class, "url scheme must be http or https, but was 'file'"),
                new Case("URL with user-info (the secret is not echoed)",
                        t -> McpTarget.streamableHttp("http://alice:s3cret@127.0.0.1:8080/mcp"),
                        IllegalArgumentException.class, "url must not contain user-info (credentials): pass them as"
                                + " headers of the caller identity instead; url was http://127.0.0.1:8080/mcp"),
                new Case("URL without host", t -> McpTarget.streamableHttp("http:///mcp"),
                        IllegalArgumentException.class, "url must name a host, but was http:///mcp"),
                new Case("URL with fragment", t -> McpTarget.streamableHttp(url + "#top"),
                        IllegalArgumentException.class, "url must not contain a fragment (#...), but was " + url),
                new Case("URL that is not a URI", t -> McpTarget.streamableHttp("http://127.0.0.1/m cp"),
                        IllegalArgumentException.class,
                        "url is not a valid URI (Illegal character in path at index 18): 'http://127.0.0.1/m cp'"),
                new Case("unsupported transport (null)", t -> McpTarget.of(url, null),
                        IllegalArgumentException.class, "transport must be STREAMABLE_HTTP or SSE for a URL, but was"
                                + " null"),
                // headers
                new Case("header name with CR/LF",
                        t -> CallerIdentity.of("alice", Map.of("X-Evil\r\nX-Admin", "v")),
                        IllegalArgumentException.class, "identity header name must be an HTTP token (RFC 9110), but"
                                + " 'X-Evil??X-Admin' contains character 0xd"),
                new Case("header value with CR/LF (header injection)",
                        t -> CallerIdentity.of("alice", Map.of("Authorization", "Bearer a\r\nX-Admin: true")),
                        IllegalArgumentException.class, "identity header 'Authorization' value must not contain"
                                + " control characters such as CR or LF (found 0xd at index 8)"),
                new Case("oversized header value (8,193 chars)",
                        t -> CallerIdentity.of("alice", Map.of("Authorization", "x".repeat(8_193))),
                        IllegalArgumentException.class, "identity header 'Authorization' value must be at most 8192"
                                + " characters, but was 8193"),
                new Case("transport-managed header (Host)",
                        t -> McpTarget.streamableHttp(url).withHeader("Host", "evil.example"),
                        IllegalArgumentException.class, "target header 'Host' is managed by the HTTP client or the"
                                + " MCP transport and cannot be set"),
                new Case("transport-managed header (Mcp-Session-Id)",
                        t -> CallerIdentity.of("alice", Map.of("Mcp-Session-Id", "someone-elses")),
                        IllegalArgumentException.class, "identity header 'Mcp-Session-Id' is managed by the HTTP"
                                + " client or the MCP transport and cannot be set"),
                new Case("same header twice, different case", t -> CallerIdentity.of("alice", twice()),
                        IllegalArgumentException.class, "identity header 'authorization' is given twice (as"
                                + " 'Authorization' and 'authorization'): header names are case-insensitive"),
                new Case("header with null value", t -> McpTarget.streamableHttp(url).withHeader("X-Key", null),
                        IllegalArgumentException.class, "target header 'X-Key' must not have a null value"),
                new Case("blank user", t -> CallerIdentity.of(" ", Map.of()), IllegalArgumentException.class,
                        "user must not be null or blank; use CallerIdentity.anonymous() or CallerIdentity.headers(...)"
                                + " for callers without a user identity"),
                // configuration
                new Case("maxSessionsPerKey 0", t -> PoolConfig.builder().maxSessionsPerKey(0).build(),
                        IllegalArgumentException.class,
                        "invalid pool configuration: maxSessionsPerKey must be positive, but was 0"),
                new Case("maxTotalSessions -1", t -> PoolConfig.builder().maxTotalSessions(-1).build(),
                        IllegalArgumentException.class,
                        "invalid pool configuration: maxTotalSessions must be positive, but was -1"),
                new Case("maxKeys 0", t -> PoolConfig.builder().maxKeys(0).build(), IllegalArgumentException.class,
                        "invalid pool configuration: maxKeys must be positive, but was 0"),
                new Case("negative acquireTimeout",
                        t -> PoolConfig.builder().acquireTimeout(Duration.ofSeconds(-1)).build(),
                        IllegalArgumentException.class,
                        "invalid pool configuration: acquireTimeout must be positive, but was PT-1S"),
                new Case("zero createTimeout", t -> PoolConfig.builder().createTimeout(Duration.ZERO).build(),
                        IllegalArgumentException.class,
                        "invalid pool configuration: createTimeout must be positive, but was PT0S"),
                new Case("null closeTimeout", t -> PoolConfig.builder().closeTimeout(null).build(),
                        IllegalArgumentException.class, "invalid pool configuration: closeTimeout must not be null"),
                new Case("negative healthCheckInterval",
                        t -> PoolConfig.builder().healthCheckInterval(Duration.ofMillis(-1)).build(),
                        IllegalArgumentException.class, "invalid pool configuration: healthCheckInterval must be"
                                + " zero or positive, but was PT-0.001S"),
                new Case("ttlJitter out of range", t -> PoolConfig.builder().ttlJitter(0.9).build(),
                        IllegalArgumentException.class,
                        "invalid pool configuration: ttlJitter must be between 0 and 0.5, but was 0.9"),
                new Case("health-check chain empty", t -> PoolConfig.builder().healthCheckMethods(List.of()).build(),
                        IllegalArgumentException.class, "invalid pool configuration: healthCheckMethods must name at"
                                + " least one method (PING, LIST_TOOLS, LIST_PROMPTS, LIST_RESOURCES, SKIP), but was"
                                + " empty"),
                new Case("health-check chain with unknown names",
                        t -> PoolConfig.builder().healthCheckMethodNames(List.of("ping", "pong", "list-tools")).build(),
                        IllegalArgumentException.class, "invalid pool configuration: healthCheckMethods must be among"
                                + " ping, list_tools, list_prompts, list_resources, skip, but had unknown [pong,"
                                + " list-tools]"),
                new Case("several bad values at once",
                        t -> PoolConfig.builder().maxSessionsPerKey(0).closeTimeout(Duration.ZERO).build(),
                        IllegalArgumentException.class, "invalid pool configuration: maxSessionsPerKey must be"
                                + " positive, but was 0; closeTimeout must be positive, but was PT0S"),
                new Case("pool name with a space", t -> PoolConfig.builder().name("my pool").build(),
                        IllegalArgumentException.class, "invalid pool configuration: name must be 1 to 64 letters,"
                                + " digits, '.', '_' or '-', but was 'my pool'"));
    }

    /** Bad input given to a pool: through each door. */
    static Stream<Case> throughPool(Door door) {
        return Stream.of(
                // headers
                new Case("per-call header with LF", BadInputTest::callHeaderWithLineFeed,
                        IllegalArgumentException.class, "call header 'traceparent' value must not contain control"
                                + " characters such as CR or LF (found 0xa at index 4)"),
                // identity extractors: never an error, the key falls back to hashing the identity headers
                new Case("identity extractor that throws", t -> t.extractorFallsBack(headers -> {
                    throw new IllegalStateException("token service down");
                }), null, "no error; key = hash of the identity headers"),
                new Case("identity extractor that returns blank", t -> t.extractorFallsBack(
                        headers -> Optional.of("  ")), null, "no error; key = hash of the identity headers"),
                new Case("identity extractor that returns null", t -> t.extractorFallsBack(headers -> null), null,
                        "no error; key = hash of the identity headers"),
                // arguments
                new Case("null target", t -> t.pool().acquire(null, ALICE), IllegalArgumentException.class,
                        "target must not be null"),
                new Case("null identity", t -> t.pool().acquire(target(), null), IllegalArgumentException.class,
                        "identity must not be null (use CallerIdentity.anonymous())"),
                new Case("blank conversation scope", t -> t.pool().acquire(target(), ALICE, " "),
                        IllegalArgumentException.class, "scope must not be blank; pass null for no scope"),
                new Case("negative prewarm count", t -> t.pool().prewarm(target(), ALICE, -1),
                        IllegalArgumentException.class, "count must be zero or positive, but was -1"),
                // the async door names its parameter "request"
                new Case("null call", t -> t.pool().callWithNullFunction(target(), ALICE),
                        IllegalArgumentException.class,
                        door == Door.SYNC ? "call must not be null" : "request must not be null"),
                new Case("route derived by another pool", t -> t.pool().acquire(t.pool().route(target(), ALICE)),
                        IllegalArgumentException.class, "~route Route\\[PoolKey\\[.*\\]\\] was derived by another pool"),
                // lifecycle
                new Case("acquire after close", BadInputTest::acquireAfterClose, PoolClosedException.class,
                        "~pool mcp-pool-\\d+ is closed"),
                new Case("double close", BadInputTest::doubleClose, null, "no error; close() is idempotent"),
                new Case("lease used after close", BadInputTest::leaseUsedAfterClose, IllegalStateException.class,
                        "~lease for PoolKey\\[.*\\] is closed; acquire a new one"),
                new Case("lease closed after the pool closed", BadInputTest::leaseClosedAfterPoolClose, null,
                        "no error; the lease's close is a no-op"),
                // servers
                new Case("nothing listening", t -> t.acquireFrom(McpTarget.streamableHttp("http://127.0.0.1:1/mcp")),
                        SessionCreationException.class, "~could not open an MCP session to http://127.0.0.1:1/mcp"
                                + " \\(STREAMABLE_HTTP\\): (ConnectException|ClosedChannelException).*"),
                new Case("server that is not MCP (HTML 200)",
                        t -> t.acquireFrom(McpTarget.streamableHttp(notMcpUrl("/html"))),
                        SessionCreationException.class, "~could not open an MCP session to"
                                + " http://127.0.0.1:\\d+/html \\(STREAMABLE_HTTP\\): .*"),
                new Case("server that returns invalid JSON",
                        t -> t.acquireFrom(McpTarget.streamableHttp(notMcpUrl("/badjson"))),
                        SessionCreationException.class, "~could not open an MCP session to"
                                + " http://127.0.0.1:\\d+/badjson \\(STREAMABLE_HTTP\\): .*"),
                new Case("wrong path on an MCP server",
                        t -> t.acquireFrom(McpTarget.streamableHttp(server.baseUrl() + "/nope")),
                        SessionCreationException.class, "~could not open an MCP session to"
                                + " http://127.0.0.1:\\d+/nope \\(STREAMABLE_HTTP\\): .*"),
                new Case("SSE target that is not MCP (HTML 200)",
                        t -> t.acquireFrom(McpTarget.sse(notMcpUrl("/html"))),
                        SessionCreationException.class, "~could not open an MCP session to"
                                + " http://127.0.0.1:\\d+/html \\(SSE\\): .*"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputGetsAPreciseErrorAndLeaksNothing(Run run) {
        door = run.door();
        Case c = run.c();
        Throwable thrown = catchThrowable(() -> c.action().run(this));
        String message;
        if (c.error() == null) {
            assertThat(thrown).as(c.kind()).isNull();
            message = c.message();
        } else {
            assertThat(thrown).as(c.kind()).isInstanceOf(c.error());
            message = thrown.getMessage();
            if (c.message().startsWith("~")) {
                assertThat(message).matches(c.message().substring(1));
            } else {
                assertThat(message).isEqualTo(c.message());
            }
            assertThat(message).doesNotContain("s3cret", "Bearer a");
        }
        System.out.println("BADINPUT | " + ROW.incrementAndGet() + " | " + run + " | "
                + (c.error() == null ? "-" : c.error().getSimpleName()) + " | " + Tally.normalize(message));
    }

    // ------------------------------------------------------------------------------------------------ actions

    TestPool pool() {
        return pool(door, config().createTimeout(Duration.ofSeconds(2)).build());
    }

    private Object acquireFrom(McpTarget target) {
        TestPool pool = pool();
        try (TestLease lease = pool.acquire(target, ALICE)) {
            return lease;
        } finally {
            assertThat(pool.stats().totalSessions()).isZero();
        }
    }

    private static Map<String, String> twice() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer a");
        headers.put("authorization", "Bearer b");
        return headers;
    }

    private Object callHeaderWithLineFeed() {
        try (TestLease lease = pool().acquire(target(), ALICE)) {
            lease.setCallHeaders(Map.of("traceparent", "00-a\n"));
            return lease;
        }
    }

    /** Returns normally when the key with a failing extractor equals the key without any extractor. */
    private Object extractorFallsBack(IdentityExtractor extractor) {
        TestPool with = pool(door, config().identityExtractor(extractor).build());
        TestPool without = pool();
        CallerIdentity caller = CallerIdentity.headers(Map.of("Authorization", "Bearer a"));
        assertThat(with.route(target(), caller).key().identityHash())
                .isEqualTo(without.route(target(), caller).key().identityHash())
                .isNotEqualTo("anonymous");
        String answer = with.echo(target(), caller, "ok");
        assertThat(answer).isEqualTo("ok");
        return null;
    }

    private Object acquireAfterClose() {
        TestPool pool = pool();
        pool.echo(target(), ALICE, "x");
        pool.close();
        return pool.acquire(target(), ALICE);
    }

    private Object doubleClose() {
        TestPool pool = pool();
        pool.echo(target(), ALICE, "x");
        pool.close();
        pool.close();
        assertThat(pool.stats().totalSessions()).isZero();
        return null;
    }

    private Object leaseUsedAfterClose() {
        TestLease lease = pool().acquire(target(), ALICE);
        lease.close();
        return lease.client();
    }

    private Object leaseClosedAfterPoolClose() {
        TestPool pool = pool();
        TestLease lease = pool.acquire(target(), ALICE);
        pool.close();
        lease.close();
        lease.close();
        assertThat(pool.stats().totalSessions()).isZero();
        return null;
    }
}
