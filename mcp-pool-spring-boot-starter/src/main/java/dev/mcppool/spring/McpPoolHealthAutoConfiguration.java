package dev.mcppool.spring;

import dev.mcppool.McpSessionPool;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Registers {@link McpPoolHealthIndicator} as the health contributor {@code mcpPool} when Spring Boot's health
 * support (Actuator) is on the classpath. Turn it off with {@code management.health.mcppool.enabled=false}.
 */
@AutoConfiguration(after = McpPoolAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean({McpSessionPool.class, McpServers.class})
@ConditionalOnEnabledHealthIndicator("mcppool")
public class McpPoolHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "mcpPoolHealthIndicator")
    public McpPoolHealthIndicator mcpPoolHealthIndicator(McpSessionPool pool, McpServers servers) {
        return new McpPoolHealthIndicator(pool, servers);
    }
}
