package dev.mcppool.spring;

import dev.mcppool.McpSessionPool;

import java.time.Duration;
import java.util.List;

import org.springframework.ai.mcp.ToolContextToMcpMetaConverter;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link McpPoolToolCallbackProvider}, the Spring AI tools of the configured servers, when Spring AI's
 * tool and MCP classes are on the classpath. Turn it off with {@code mcp.pool.tools.enabled=false}. A
 * {@link ToolContextToMcpMetaConverter} bean, if there is one, turns tool contexts into {@code _meta}; else Spring
 * AI's default converter does.
 */
@AutoConfiguration(after = McpPoolAutoConfiguration.class)
@ConditionalOnClass({ToolCallbackProvider.class, ToolContextToMcpMetaConverter.class})
@ConditionalOnBean({McpSessionPool.class, McpServers.class, McpCallerResolver.class})
@ConditionalOnBooleanProperty(name = "mcp.pool.tools.enabled", matchIfMissing = true)
public class McpPoolToolsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public McpPoolToolCallbackProvider mcpPoolToolCallbackProvider(McpSessionPool pool, McpServers servers,
            McpCallerResolver resolver, McpPoolProperties properties,
            ObjectProvider<ToolContextToMcpMetaConverter> metaConverter) {
        McpPoolProperties.Tools tools = properties.tools();
        Duration ttl = tools.cacheTtl();
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new McpPoolPropertiesException("mcp.pool.tools.cache-ttl must be positive, but was " + ttl,
                    List.of("mcp.pool.tools.cache-ttl"), null);
        }
        if (tools.cacheMaxEntries() <= 0) {
            throw new McpPoolPropertiesException("mcp.pool.tools.cache-max-entries must be positive, but was "
                    + tools.cacheMaxEntries(), List.of("mcp.pool.tools.cache-max-entries"), null);
        }
        return new McpPoolToolCallbackProvider(pool, servers, resolver,
                metaConverter.getIfAvailable(ToolContextToMcpMetaConverter::defaultConverter), ttl,
                tools.cacheMaxEntries(), pool.config().ticker());
    }
}
