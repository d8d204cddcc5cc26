package dev.mcppool.spring;

import dev.mcppool.micrometer.McpPoolMetrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Publishes the auto-configured pool's meters ({@code mcp.pool.*}, see {@code mcp-pool-micrometer}) to the
 * application's {@link MeterRegistry}, when {@code mcp-pool-micrometer} is on the classpath and a registry bean
 * exists (Spring Boot's Actuator or {@code spring-boot-micrometer-metrics} make one). The {@link McpPoolMetrics} bean
 * is a {@link dev.mcppool.PoolListener} of the pool, bound to it as soon as the pool exists.
 */
@AutoConfiguration(before = McpPoolAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({McpPoolMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
public class McpPoolMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(MeterRegistry.class)
    public McpPoolMetrics mcpPoolMetrics(MeterRegistry registry) {
        return new McpPoolMetrics(registry);
    }

    @Bean
    @ConditionalOnBean(McpPoolMetrics.class)
    public McpPoolBinder mcpPoolMetricsBinder(McpPoolMetrics metrics) {
        return metrics::bindTo;
    }
}
