package dev.mcppool.spring;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpTarget;
import dev.mcppool.Transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.ai.mcp.McpToolUtils;

/**
 * The upstream MCP servers configured under {@code mcp.pool.servers}, validated at start-up: each has a URL the
 * library accepts, valid static headers and valid forwarded header names, and tool prefixes are distinct. Immutable
 * and thread-safe; a bean of the auto-configuration.
 */
public final class McpServers {

    private final Map<String, McpServer> byName;

    private McpServers(Map<String, McpServer> byName) {
        this.byName = byName;
    }

    /**
     * Validates the configured servers.
     *
     * @throws McpPoolPropertiesException naming the server's property and the library's reason
     */
    public static McpServers from(Map<String, McpPoolProperties.Server> servers) {
        Map<String, McpServer> byName = new LinkedHashMap<>();
        Map<String, String> prefixes = new LinkedHashMap<>();
        servers.forEach((name, server) -> {
            McpServer resolved = resolve(name, server);
            String prefix = resolved.toolPrefix().toLowerCase(Locale.ROOT);
            String other = prefixes.putIfAbsent(prefix, name);
            if (other != null) {
                throw new McpPoolPropertiesException("mcp.pool.servers." + name + ".tool-prefix must differ from"
                        + " that of server '" + other + "', but both are '" + resolved.toolPrefix() + "'",
                        List.of(property(name, "tool-prefix"), property(other, "tool-prefix")), null);
            }
            byName.put(name, resolved);
        });
        return new McpServers(Collections.unmodifiableMap(byName));
    }

    private static McpServer resolve(String name, McpPoolProperties.Server server) {
        String url = server.url();
        if (url == null || url.isBlank()) {
            throw new McpPoolPropertiesException(property(name, "url") + " must be set to the server's endpoint,"
                    + " for example https://tools.example.com/mcp", List.of(property(name, "url")), null);
        }
        Transport transport = server.transport() == McpPoolProperties.ServerTransport.SSE
                ? Transport.SSE : Transport.STREAMABLE_HTTP;
        McpTarget target;
        try {
            target = McpTarget.of(url, transport);
        } catch (IllegalArgumentException e) {
            throw invalid(name, "url", e);
        }
        try {
            target = target.withHeaders(server.headers());
        } catch (IllegalArgumentException e) {
            throw invalid(name, "headers", e);
        }
        return new McpServer(name, target, forwardHeaders(name, server.forwardHeaders()), toolPrefix(name, server));
    }

    /** Checks each name with the library's own header rules, and drops repeats (names are case-insensitive). */
    private static List<String> forwardHeaders(String server, List<String> names) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> result = new ArrayList<>();
        for (String header : names) {
            try {
                CallerIdentity.headers(Map.of(String.valueOf(header), "checked"));
            } catch (IllegalArgumentException e) {
                throw invalid(server, "forward-headers", e);
            }
            if (seen.add(header.strip().toLowerCase(Locale.ROOT))) {
                result.add(header.strip());
            }
        }
        return result;
    }

    private static String toolPrefix(String name, McpPoolProperties.Server server) {
        String prefix = server.toolPrefix() == null ? name : server.toolPrefix();
        return prefix.isEmpty() ? "" : McpToolUtils.format(prefix);
    }

    private static McpPoolPropertiesException invalid(String server, String key, IllegalArgumentException e) {
        return new McpPoolPropertiesException(property(server, key) + ": " + e.getMessage(),
                List.of(property(server, key)), e);
    }

    private static String property(String server, String key) {
        return "mcp.pool.servers." + server + "." + key;
    }

    /** The server of this name, if configured. */
    public Optional<McpServer> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The server of this name.
     *
     * @throws IllegalArgumentException if no server of this name is configured
     */
    public McpServer get(String name) {
        McpServer server = byName.get(name);
        if (server == null) {
            throw new IllegalArgumentException("no MCP server named '" + name + "' under mcp.pool.servers;"
                    + " configured: " + byName.keySet());
        }
        return server;
    }

    /** Every configured server, in configuration order. */
    public Collection<McpServer> all() {
        return byName.values();
    }

    /** Names of the servers whose URL, as the pool shows it in stats and breakers, is this one. */
    public List<String> namesOf(String displayUrl) {
        List<String> names = new ArrayList<>();
        for (McpServer server : byName.values()) {
            if (server.target().displayUrl().equals(displayUrl)) {
                names.add(server.name());
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return "McpServers" + byName.values();
    }
}
