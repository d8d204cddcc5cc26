package dev.mcppool.spring;

import dev.mcppool.PoolConfig;

/**
 * Changes the pool's configuration after the {@code mcp.pool.*} properties are applied and before it is validated
 * and built: for the options that have no property, such as an {@code IdentityExtractor} or an
 * {@code httpClientCustomizer} for TLS and proxies. Beans of this type are applied in {@code @Order}.
 *
 * <p>To receive the pool's events, declare a {@link dev.mcppool.PoolListener} bean instead of setting the listener
 * here: the auto-configuration combines every listener bean, and a listener set here replaces them all.
 */
@FunctionalInterface
public interface McpPoolConfigCustomizer {

    void customize(PoolConfig.Builder builder);
}
