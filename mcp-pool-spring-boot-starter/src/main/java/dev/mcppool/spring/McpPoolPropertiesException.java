package dev.mcppool.spring;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The {@code mcp.pool.*} properties (or an {@link McpPoolConfigCustomizer}) gave the pool an invalid configuration.
 * Thrown while the pool bean is created, so the application fails to start. The message holds the library's own
 * description of every problem (for example {@code maxSessionsPerKey must be positive, but was 0}); the cause is the
 * library's {@link IllegalArgumentException} where there is one; {@link #properties()} names the properties to fix.
 */
public final class McpPoolPropertiesException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> properties;

    public McpPoolPropertiesException(String message, List<String> properties, @Nullable Throwable cause) {
        super(message, cause);
        this.properties = List.copyOf(properties);
    }

    /** The properties named by the problems, for example {@code mcp.pool.max-sessions-per-key}. */
    public List<String> properties() {
        return properties;
    }
}
