package dev.mcppool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolConfig;
import dev.mcppool.Transport;
import dev.mcppool.spring.internal.McpPoolFailureAnalyzer;
import dev.mcppool.testing.Leaks;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** {@code mcp.pool.*} binds to every pool option, and bad values stop the application with the library's words. */
class McpPoolPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(McpPoolAutoConfiguration.class));

    @Test
    void withNoPropertiesThePoolHasTheLibrarysDefaults() {
        runner.run(context -> {
            PoolConfig bound = context.getBean(McpSessionPool.class).config();
            assertSameOptions(bound, PoolConfig.defaults());
            assertThat(context.getBean(McpServers.class).all()).isEmpty();
        });
    }

    @Test
    void everyPoolOptionBinds() {
        runner.withPropertyValues(
                "mcp.pool.max-sessions-per-key=3",
                "mcp.pool.max-total-sessions=30",
                "mcp.pool.max-keys=300",
                "mcp.pool.min-idle-per-key=1",
                "mcp.pool.session-ttl=2m",
                "mcp.pool.ttl-jitter=0.25",
                "mcp.pool.session-idle-timeout=90s",
                "mcp.pool.key-idle-timeout=15m",
                "mcp.pool.health-check-interval=0s",
                "mcp.pool.health-check-timeout=2s",
                "mcp.pool.health-check-methods=list_tools,PING,skip",
                "mcp.pool.keepalive-interval=45s",
                "mcp.pool.acquire-timeout=7s",
                "mcp.pool.create-timeout=8s",
                "mcp.pool.request-timeout=9s",
                "mcp.pool.connect-timeout=3s",
                "mcp.pool.close-timeout=4s",
                "mcp.pool.breaker-failure-threshold=2",
                "mcp.pool.breaker-open-duration=20s",
                "mcp.pool.breaker-max-open-duration=2m",
                "mcp.pool.identity-headers=Authorization,X-Org",
                "mcp.pool.client-name=gateway",
                "mcp.pool.client-version=9.9.9",
                "mcp.pool.housekeeping-interval=1s",
                "mcp.pool.name=bound-pool",
                "mcp.pool.tools.cache-ttl=1m",
                "mcp.pool.tools.cache-max-entries=50")
                .run(context -> {
                    McpSessionPool pool = context.getBean(McpSessionPool.class);
                    PoolConfig c = pool.config();
                    assertThat(c.maxSessionsPerKey()).isEqualTo(3);
                    assertThat(c.maxTotalSessions()).isEqualTo(30);
                    assertThat(c.maxKeys()).isEqualTo(300);
                    assertThat(c.minIdlePerKey()).isEqualTo(1);
                    assertThat(c.sessionTtl()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(c.ttlJitter()).isEqualTo(0.25);
                    assertThat(c.sessionIdleTimeout()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(c.keyIdleTimeout()).isEqualTo(Duration.ofMinutes(15));
                    assertThat(c.healthCheckInterval()).isZero();
                    assertThat(c.healthCheckTimeout()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(c.healthCheckMethods()).containsExactly(HealthCheckMethod.LIST_TOOLS,
                            HealthCheckMethod.PING, HealthCheckMethod.SKIP);
                    assertThat(c.keepaliveInterval()).isEqualTo(Duration.ofSeconds(45));
                    assertThat(c.acquireTimeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(c.createTimeout()).isEqualTo(Duration.ofSeconds(8));
                    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(9));
                    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(4));
                    assertThat(c.breakerFailureThreshold()).isEqualTo(2);
                    assertThat(c.breakerOpenDuration()).isEqualTo(Duration.ofSeconds(20));
                    assertThat(c.breakerMaxOpenDuration()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(c.identityHeaders()).containsExactlyInAnyOrder("authorization", "x-org");
                    assertThat(c.clientName()).isEqualTo("gateway");
                    assertThat(c.clientVersion()).isEqualTo("9.9.9");
                    assertThat(c.housekeepingInterval()).isEqualTo(Duration.ofSeconds(1));
                    assertThat(pool.name()).isEqualTo("bound-pool");
                    McpPoolProperties.Tools tools = context.getBean(McpPoolProperties.class).tools();
                    assertThat(tools.cacheTtl()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(tools.cacheMaxEntries()).isEqualTo(50);
                });
    }

    @Test
    void serversBind() {
        runner.withPropertyValues(
                "mcp.pool.servers.docs.url=https://docs.example.com/mcp",
                "mcp.pool.servers.docs.headers.X-Api-Key=k-123",
                "mcp.pool.servers.docs.forward-headers=Authorization,X-Tenant-Id,authorization",
                "mcp.pool.servers.legacy.url=http://legacy.example.com:8080/sse",
                "mcp.pool.servers.legacy.transport=sse",
                "mcp.pool.servers.legacy.tool-prefix=old-tools")
                .run(context -> {
                    McpServers servers = context.getBean(McpServers.class);
                    assertThat(servers.all()).extracting(McpServer::name).containsExactly("docs", "legacy");
                    McpServer docs = servers.get("docs");
                    assertThat(docs.target().transport()).isEqualTo(Transport.STREAMABLE_HTTP);
                    assertThat(docs.target().uri()).hasToString("https://docs.example.com/mcp");
                    assertThat(docs.target().headers()).containsEntry("X-Api-Key", "k-123");
                    assertThat(docs.forwardHeaders()).containsExactly("Authorization", "X-Tenant-Id");
                    assertThat(docs.toolPrefix()).isEqualTo("docs");
                    assertThat(docs.toString()).doesNotContain("k-123");
                    McpServer legacy = servers.get("legacy");
                    assertThat(legacy.target().transport()).isEqualTo(Transport.SSE);
                    assertThat(legacy.toolPrefix()).isEqualTo("old_tools");
                    assertThat(context.getBean(McpPoolProperties.class).toString()).doesNotContain("k-123");
                });
    }

    @Test
    void badPoolValuesFailStartupWithEveryProblemInTheLibrarysWords() {
        runner.withPropertyValues(
                "mcp.pool.max-sessions-per-key=0",
                "mcp.pool.session-ttl=-1s",
                "mcp.pool.ttl-jitter=0.9",
                "mcp.pool.health-check-methods=ping,bogus")
                .run(context -> {
                    assertThat(context).hasFailed();
                    Throwable failure = context.getStartupFailure();
                    assertThat(failure).rootCause()
                            .isExactlyInstanceOf(IllegalArgumentException.class)
                            .hasMessageStartingWith("invalid pool configuration: ")
                            .hasMessageContaining("maxSessionsPerKey must be positive, but was 0")
                            .hasMessageContaining("sessionTtl must be positive, but was PT-1S")
                            .hasMessageContaining("ttlJitter must be between 0 and 0.5, but was 0.9")
                            .hasMessageContaining("healthCheckMethods must be among ping, list_tools,"
                                    + " list_prompts, list_resources, skip, but had unknown [bogus]");
                    McpPoolPropertiesException bad = find(failure, McpPoolPropertiesException.class);
                    assertThat(bad.properties()).containsExactlyInAnyOrder("mcp.pool.max-sessions-per-key",
                            "mcp.pool.session-ttl", "mcp.pool.ttl-jitter", "mcp.pool.health-check-methods");

                    FailureAnalysis analysis = new McpPoolFailureAnalyzer().analyze(failure);
                    assertThat(analysis.getDescription()).contains("maxSessionsPerKey must be positive, but was 0");
                    assertThat(analysis.getAction()).contains("mcp.pool.max-sessions-per-key",
                            "mcp.pool.health-check-methods");
                });
    }

    @Test
    void relationsBetweenOptionsAreCheckedToo() {
        assertStartupFails(List.of("mcp.pool.max-sessions-per-key=20", "mcp.pool.max-total-sessions=10"),
                "maxSessionsPerKey must be at most maxTotalSessions (10), but was 20",
                "mcp.pool.max-sessions-per-key");
        assertStartupFails(List.of("mcp.pool.breaker-open-duration=5m", "mcp.pool.breaker-max-open-duration=1m"),
                "breakerMaxOpenDuration must be at least breakerOpenDuration (PT5M), but was PT1M",
                "mcp.pool.breaker-max-open-duration");
        assertStartupFails(List.of("mcp.pool.name=has spaces"),
                "name must be 1 to 64 letters, digits, '.', '_' or '-', but was 'has spaces'", "mcp.pool.name");
        assertStartupFails(List.of("mcp.pool.client-name= "), "clientName must not be blank",
                "mcp.pool.client-name");
    }

    @Test
    void badServersFailStartupNamingTheProperty() {
        assertStartupFails(List.of("mcp.pool.servers.docs.transport=sse"),
                "mcp.pool.servers.docs.url must be set", "mcp.pool.servers.docs.url");
        assertStartupFails(List.of("mcp.pool.servers.docs.url=https://user:secret@docs.example.com/mcp"),
                "mcp.pool.servers.docs.url: url must not contain user-info", "mcp.pool.servers.docs.url");
        assertStartupFails(List.of("mcp.pool.servers.docs.url=ftp://docs.example.com/mcp"),
                "mcp.pool.servers.docs.url: url scheme must be http or https, but was 'ftp'",
                "mcp.pool.servers.docs.url");
        assertStartupFails(List.of("mcp.pool.servers.docs.url=https://docs.example.com/mcp",
                        "mcp.pool.servers.docs.forward-headers=Mcp-Session-Id"),
                "mcp.pool.servers.docs.forward-headers: identity header 'Mcp-Session-Id'",
                "mcp.pool.servers.docs.forward-headers");
        assertStartupFails(List.of("mcp.pool.servers.docs.url=https://docs.example.com/mcp",
                        "mcp.pool.servers.docs.headers[Bad Header]=x"),
                "mcp.pool.servers.docs.headers: target header name must be an HTTP token",
                "mcp.pool.servers.docs.headers");
        assertStartupFails(List.of("mcp.pool.servers.a.url=https://a.example.com/mcp",
                        "mcp.pool.servers.b.url=https://b.example.com/mcp", "mcp.pool.servers.b.tool-prefix=A"),
                "mcp.pool.servers.b.tool-prefix must differ from that of server 'a'",
                "mcp.pool.servers.b.tool-prefix");
    }

    @Test
    void anUnknownTransportFailsBinding() {
        runner.withPropertyValues("mcp.pool.servers.docs.url=https://docs.example.com/mcp",
                "mcp.pool.servers.docs.transport=websocket").run(context -> {
                    assertThat(context).hasFailed();
                    BindException bind = find(context.getStartupFailure(), BindException.class);
                    assertThat(bind.getProperty().getName().toString()).isEqualTo("mcp.pool.servers.docs.transport");
                    assertThat(bind.getProperty().getValue()).isEqualTo("websocket");
                });
    }

    @Test
    void badToolCacheSettingsFailStartup() {
        ApplicationContextRunner withTools = runner.withConfiguration(
                AutoConfigurations.of(McpPoolToolsAutoConfiguration.class));
        withTools.withPropertyValues("mcp.pool.tools.cache-ttl=0s").run(context ->
                assertThat(find(context.getStartupFailure(), McpPoolPropertiesException.class))
                        .hasMessage("mcp.pool.tools.cache-ttl must be positive, but was PT0S"));
        withTools.withPropertyValues("mcp.pool.tools.cache-max-entries=0").run(context ->
                assertThat(find(context.getStartupFailure(), McpPoolPropertiesException.class))
                        .hasMessage("mcp.pool.tools.cache-max-entries must be positive, but was 0"));
    }

    @Test
    void customizersAndListenerBeansReachThePool() {
        runner.withUserConfiguration(Customized.class).withPropertyValues("mcp.pool.max-keys=5").run(context -> {
            PoolConfig config = context.getBean(McpSessionPool.class).config();
            assertThat(config.maxKeys()).as("customizers run after the properties").isEqualTo(6);
            assertThat(config.listener()).isSameAs(context.getBean("onlyListener"));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Customized {

        @Bean
        McpPoolConfigCustomizer plusOneKey() {
            return builder -> builder.maxKeys(builder.build().maxKeys() + 1);
        }

        @Bean
        dev.mcppool.PoolListener onlyListener() {
            return new dev.mcppool.PoolListener() {
            };
        }
    }

    @Test
    void thePoolClosesWithTheContext() {
        McpSessionPool[] pool = new McpSessionPool[1];
        runner.withPropertyValues("mcp.pool.name=closing-pool").run(context -> {
            pool[0] = context.getBean(McpSessionPool.class);
            assertThat(pool[0].isClosed()).isFalse();
        });
        assertThat(pool[0].isClosed()).isTrue();
        Leaks.awaitNoThreads("closing-pool-", Duration.ofSeconds(10));
    }

    @Test
    void configurationMetadataDescribesEveryPropertyWithTheLibrarysDefaults() throws IOException {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        Map<String, JsonNode> properties = new HashMap<>();
        metadata.get("properties").forEach(p -> properties.put(p.get("name").asString(), p));

        for (RecordComponent component : McpPoolProperties.class.getRecordComponents()) {
            if (component.getName().equals("tools")) {
                continue;
            }
            String name = "mcp.pool." + kebab(component.getName());
            assertThat(properties).as("metadata of " + name).containsKey(name);
            assertThat(properties.get(name).path("description").asString()).as("description of " + name)
                    .isNotBlank().endsWith(".");
        }
        assertThat(properties).containsKeys("mcp.pool.tools.enabled", "mcp.pool.tools.cache-ttl",
                "mcp.pool.tools.cache-max-entries", "management.health.mcppool.enabled");

        PoolConfig defaults = PoolConfig.defaults();
        assertThat(duration(properties, "session-ttl")).isEqualTo(defaults.sessionTtl());
        assertThat(duration(properties, "session-idle-timeout")).isEqualTo(defaults.sessionIdleTimeout());
        assertThat(duration(properties, "key-idle-timeout")).isEqualTo(defaults.keyIdleTimeout());
        assertThat(duration(properties, "health-check-interval")).isEqualTo(defaults.healthCheckInterval());
        assertThat(duration(properties, "health-check-timeout")).isEqualTo(defaults.healthCheckTimeout());
        assertThat(duration(properties, "keepalive-interval")).isEqualTo(defaults.keepaliveInterval());
        assertThat(duration(properties, "acquire-timeout")).isEqualTo(defaults.acquireTimeout());
        assertThat(duration(properties, "create-timeout")).isEqualTo(defaults.createTimeout());
        assertThat(duration(properties, "request-timeout")).isEqualTo(defaults.requestTimeout());
        assertThat(duration(properties, "connect-timeout")).isEqualTo(defaults.connectTimeout());
        assertThat(duration(properties, "close-timeout")).isEqualTo(defaults.closeTimeout());
        assertThat(duration(properties, "breaker-open-duration")).isEqualTo(defaults.breakerOpenDuration());
        assertThat(duration(properties, "breaker-max-open-duration")).isEqualTo(defaults.breakerMaxOpenDuration());
        assertThat(duration(properties, "housekeeping-interval")).isEqualTo(defaults.housekeepingInterval());
        assertThat(number(properties, "max-sessions-per-key")).isEqualTo(defaults.maxSessionsPerKey());
        assertThat(number(properties, "max-total-sessions")).isEqualTo(defaults.maxTotalSessions());
        assertThat(number(properties, "max-keys")).isEqualTo(defaults.maxKeys());
        assertThat(number(properties, "min-idle-per-key")).isEqualTo(defaults.minIdlePerKey());
        assertThat(number(properties, "breaker-failure-threshold")).isEqualTo(defaults.breakerFailureThreshold());
        assertThat(properties.get("mcp.pool.ttl-jitter").get("defaultValue").asDouble())
                .isEqualTo(defaults.ttlJitter());
        assertThat(properties.get("mcp.pool.client-name").get("defaultValue").asString())
                .isEqualTo(defaults.clientName());
        assertThat(properties.get("mcp.pool.health-check-methods").get("defaultValue").toString())
                .isEqualToIgnoringCase("[\"ping\",\"skip\"]");
        assertThat(Set.copyOf(properties.get("mcp.pool.identity-headers").get("defaultValue").valueStream()
                .map(JsonNode::asString).toList())).isEqualTo(PoolConfig.DEFAULT_IDENTITY_HEADERS);
    }

    private static Duration duration(Map<String, JsonNode> properties, String name) {
        return DurationStyle.detectAndParse(properties.get("mcp.pool." + name).get("defaultValue").asString());
    }

    private static int number(Map<String, JsonNode> properties, String name) {
        return properties.get("mcp.pool." + name).get("defaultValue").asInt();
    }

    private void assertStartupFails(List<String> properties, String message, String property) {
        runner.withPropertyValues(properties.toArray(new String[0])).run(context -> {
            assertThat(context).hasFailed();
            McpPoolPropertiesException bad = find(context.getStartupFailure(), McpPoolPropertiesException.class);
            assertThat(bad).hasMessageContaining(message);
            assertThat(bad.properties()).contains(property);
        });
    }

    static void assertSameOptions(PoolConfig actual, PoolConfig expected) {
        assertThat(actual.toString()).isEqualTo(expected.toString());
        assertThat(actual.clientName()).isEqualTo(expected.clientName());
        assertThat(actual.clientVersion()).isEqualTo(expected.clientVersion());
        assertThat(actual.housekeepingInterval()).isEqualTo(expected.housekeepingInterval());
        assertThat(actual.name()).isEqualTo(expected.name());
    }

    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + failure, failure);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }
}
