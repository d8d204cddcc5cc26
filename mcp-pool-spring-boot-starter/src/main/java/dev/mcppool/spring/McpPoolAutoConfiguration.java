package dev.mcppool.spring;

import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolConfig;
import dev.mcppool.PoolListener;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Creates the {@link McpSessionPool} bean from the {@code mcp.pool.*} properties ({@link McpPoolProperties}), the
 * validated {@link McpServers} of {@code mcp.pool.servers}, and the default {@link McpCallerResolver}. The pool is
 * closed when the application context closes.
 *
 * <p>Every {@link PoolListener} bean receives the pool's events (combined with {@link PoolListener#all}); every
 * {@link McpPoolConfigCustomizer} may change the configuration before it is validated; every {@link McpPoolBinder}
 * sees the pool right after it is created. An invalid configuration fails start-up with a
 * {@link McpPoolPropertiesException} whose cause is the library's {@link IllegalArgumentException}.
 */
@AutoConfiguration
@ConditionalOnClass(McpSessionPool.class)
@EnableConfigurationProperties(McpPoolProperties.class)
public class McpPoolAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public McpSessionPool mcpSessionPool(McpPoolProperties properties, ObjectProvider<PoolListener> listeners,
            ObjectProvider<McpPoolConfigCustomizer> customizers, ObjectProvider<McpPoolBinder> binders) {
        PoolConfig config = poolConfig(properties, listeners.orderedStream().toList(), customizers);
        McpSessionPool pool = McpSessionPool.create(config);
        try {
            binders.orderedStream().forEach(binder -> binder.bindTo(pool));
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    @Bean
    @ConditionalOnMissingBean
    public McpServers mcpServers(McpPoolProperties properties) {
        return McpServers.from(properties.servers());
    }

    @Bean
    @ConditionalOnMissingBean
    public McpCallerResolver mcpCallerResolver(ApplicationContext context) {
        ClassLoader classLoader = context.getClassLoader();
        return DefaultMcpCallerResolver.detect(classLoader != null ? classLoader : getClass().getClassLoader());
    }

    static PoolConfig poolConfig(McpPoolProperties properties, List<PoolListener> listeners,
            ObjectProvider<McpPoolConfigCustomizer> customizers) {
        PoolConfig.Builder builder = properties.toPoolConfigBuilder();
        if (listeners.size() == 1) {
            builder.listener(listeners.get(0));
        } else if (!listeners.isEmpty()) {
            builder.listener(PoolListener.all(listeners.toArray(new PoolListener[0])));
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new McpPoolPropertiesException("mcp.pool.* properties: " + e.getMessage(),
                    propertiesNamedIn(e.getMessage()), e);
        }
    }

    /**
     * The properties whose options the library's message names: each problem starts with the option's name, which
     * is the name of its {@link McpPoolProperties} component.
     */
    static List<String> propertiesNamedIn(String message) {
        List<String> named = new ArrayList<>();
        for (RecordComponent component : McpPoolProperties.class.getRecordComponents()) {
            if (message.contains(component.getName() + " must")) {
                named.add("mcp.pool." + kebab(component.getName()));
            }
        }
        return named;
    }

    private static String kebab(String camel) {
        StringBuilder kebab = new StringBuilder(camel.length() + 8);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                kebab.append('-').append(Character.toLowerCase(c));
            } else {
                kebab.append(c);
            }
        }
        return kebab.toString();
    }
}
