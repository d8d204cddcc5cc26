package dev.mcppool.spring;

import dev.mcppool.PoolConfig;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code mcp.pool.*} properties: every option of {@link PoolConfig}, the upstream servers under
 * {@code mcp.pool.servers.<name>} and the Spring AI tool settings under {@code mcp.pool.tools}. Immutable.
 *
 * <p>Defaults are the library's ({@link PoolConfig#defaults()}); a test keeps the two equal. Values are checked by
 * {@link PoolConfig.Builder#build()} when the pool bean is created, so a bad value fails start-up with the library's
 * own message, for example {@code maxSessionsPerKey must be positive, but was 0}.
 *
 * @param maxSessionsPerKey       Most sessions per key (user, credentials, server, transport): leased + idle +
 *                                being opened.
 * @param maxTotalSessions        Most sessions across all keys.
 * @param maxKeys                 Most keys held at once.
 * @param minIdlePerKey           Idle sessions the housekeeper keeps open per key once the key has been used; 0
 *                                disables.
 * @param sessionTtl              Maximum age of a session: never handed out after it, closed on release.
 * @param ttlJitter               Fraction (0 to 0.5) by which each session's TTL is shortened at random, so
 *                                sessions do not expire together.
 * @param sessionIdleTimeout      An idle session unused this long is closed.
 * @param keyIdleTimeout          A key with nothing leased and no use for this long is removed.
 * @param healthCheckInterval     A pooled session idle longer than this is health-checked before it is handed out.
 * @param healthCheckTimeout      Timeout of each health-check step.
 * @param healthCheckMethods      The health-check chain, in order: ping, list_tools, list_prompts, list_resources,
 *                                skip.
 * @param keepaliveInterval       Idle sessions unused this long are pinged in the background; 0 disables.
 * @param acquireTimeout          How long a call waits for a session when its key has none free and no room for
 *                                a new one.
 * @param createTimeout           How long opening a session (connect + initialize) may take.
 * @param requestTimeout          The MCP SDK's per-request timeout on pooled sessions.
 * @param connectTimeout          TCP connect timeout of the pool's HTTP client.
 * @param closeTimeout            Deadline for closing one session, and for closing the whole pool.
 * @param breakerFailureThreshold Consecutive session-creation failures for a server URL that open its circuit
 *                                breaker.
 * @param breakerOpenDuration     How long an opened breaker stays open before it lets one probe through.
 * @param breakerMaxOpenDuration  Cap on the open time, which doubles each time a probe fails.
 * @param identityHeaders         Names (case-insensitive) of the caller headers whose values decide the
 *                                credential part of the key; their values are hashed, never stored or logged.
 * @param clientName              Client name sent in initialize.
 * @param clientVersion           Client version sent in initialize; the library's version when not set.
 * @param housekeepingInterval    Longest pause between two housekeeping passes.
 * @param name                    The pool's name: prefixes its threads and tags its meters ("pool" tag);
 *                                mcp-pool-N when not set.
 * @param servers                 The upstream MCP servers, by name.
 * @param tools                   The Spring AI tool callbacks of the configured servers.
 */
@ConfigurationProperties("mcp.pool")
public record McpPoolProperties(
        @DefaultValue("10") int maxSessionsPerKey,
        @DefaultValue("1000") int maxTotalSessions,
        @DefaultValue("10000") int maxKeys,
        @DefaultValue("0") int minIdlePerKey,
        @DefaultValue("300s") @Nullable Duration sessionTtl,
        @DefaultValue("0.1") double ttlJitter,
        @DefaultValue("600s") @Nullable Duration sessionIdleTimeout,
        @DefaultValue("600s") @Nullable Duration keyIdleTimeout,
        @DefaultValue("60s") @Nullable Duration healthCheckInterval,
        @DefaultValue("5s") @Nullable Duration healthCheckTimeout,
        @DefaultValue({"ping", "skip"}) @Nullable List<String> healthCheckMethods,
        @DefaultValue("0s") @Nullable Duration keepaliveInterval,
        @DefaultValue("30s") @Nullable Duration acquireTimeout,
        @DefaultValue("30s") @Nullable Duration createTimeout,
        @DefaultValue("30s") @Nullable Duration requestTimeout,
        @DefaultValue("10s") @Nullable Duration connectTimeout,
        @DefaultValue("5s") @Nullable Duration closeTimeout,
        @DefaultValue("5") int breakerFailureThreshold,
        @DefaultValue("1s") @Nullable Duration breakerOpenDuration,
        @DefaultValue("30s") @Nullable Duration breakerMaxOpenDuration,
        @DefaultValue({"authorization", "x-tenant-id", "x-user-id", "x-api-key", "cookie"})
        @Nullable Set<String> identityHeaders,
        @DefaultValue("mcp-session-pool") @Nullable String clientName,
        @Nullable String clientVersion,
        @DefaultValue("5s") @Nullable Duration housekeepingInterval,
        @Nullable String name,
        Map<String, Server> servers,
        @DefaultValue Tools tools) {

    public McpPoolProperties {
        servers = servers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(servers));
    }

    /**
     * A builder holding every option of these properties, not yet validated: {@link PoolConfig.Builder#build()}
     * checks them all and names each bad one. The listener and the options that have no property (identity
     * extractor, HTTP client customizer, ticker) keep the library's defaults.
     */
    public PoolConfig.Builder toPoolConfigBuilder() {
        return PoolConfig.builder()
                .maxSessionsPerKey(maxSessionsPerKey)
                .maxTotalSessions(maxTotalSessions)
                .maxKeys(maxKeys)
                .minIdlePerKey(minIdlePerKey)
                .sessionTtl(sessionTtl)
                .ttlJitter(ttlJitter)
                .sessionIdleTimeout(sessionIdleTimeout)
                .keyIdleTimeout(keyIdleTimeout)
                .healthCheckInterval(healthCheckInterval)
                .healthCheckTimeout(healthCheckTimeout)
                .healthCheckMethodNames(healthCheckMethods)
                .keepaliveInterval(keepaliveInterval)
                .acquireTimeout(acquireTimeout)
                .createTimeout(createTimeout)
                .requestTimeout(requestTimeout)
                .connectTimeout(connectTimeout)
                .closeTimeout(closeTimeout)
                .breakerFailureThreshold(breakerFailureThreshold)
                .breakerOpenDuration(breakerOpenDuration)
                .breakerMaxOpenDuration(breakerMaxOpenDuration)
                .identityHeaders(identityHeaders)
                .clientInfo(clientName, clientVersion == null ? PoolConfig.defaults().clientVersion() : clientVersion)
                .housekeepingInterval(housekeepingInterval)
                .name(name);
    }

    /**
     * One upstream MCP server, {@code mcp.pool.servers.<name>}.
     *
     * @param url            The endpoint URL: http://host:8080/mcp for Streamable HTTP, http://host:8080/sse for
     *                       SSE; no user-info (credentials go in headers).
     * @param transport      The MCP transport: streamable (Streamable HTTP) or sse (the legacy HTTP+SSE transport).
     * @param headers        Static headers sent on every request to this server, for example the gateway's own API
     *                       key; values are never logged.
     * @param forwardHeaders Names of headers of the incoming HTTP request to forward to this server for each caller
     *                       (for example Authorization or X-Tenant-Id); identity headers among them join the pool
     *                       key.
     * @param toolPrefix     Prefix of the Spring AI tool names of this server (prefix_tool); the server's name when
     *                       not set, no prefix when empty.
     */
    public record Server(
            @Nullable String url,
            @DefaultValue("streamable") ServerTransport transport,
            Map<String, String> headers,
            List<String> forwardHeaders,
            @Nullable String toolPrefix) {

        public Server {
            headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
            forwardHeaders = forwardHeaders == null ? List.of() : List.copyOf(forwardHeaders);
        }

        /** Shows header names only: their values may be credentials. */
        @Override
        public String toString() {
            return "Server[url=" + url + ", transport=" + transport + ", headers=" + headers.keySet()
                    + ", forwardHeaders=" + forwardHeaders + ", toolPrefix=" + toolPrefix + "]";
        }
    }

    /** The MCP transport of a configured server. */
    public enum ServerTransport {
        /** Streamable HTTP (protocol revisions 2025-03-26 and later). */
        STREAMABLE,
        /** The legacy HTTP+SSE transport (protocol 2024-11-05). */
        SSE
    }

    /**
     * The Spring AI tool callbacks, {@code mcp.pool.tools}.
     *
     * @param enabled         Whether to register a ToolCallbackProvider exposing the tools of the configured servers.
     * @param cacheTtl        How long a tool list is cached per server and caller before it is listed again.
     * @param cacheMaxEntries Most tool lists cached (one per server and caller key).
     */
    public record Tools(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("5m") @Nullable Duration cacheTtl,
            @DefaultValue("10000") int cacheMaxEntries) {
    }
}
