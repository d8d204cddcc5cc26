package dev.mcppool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolConfig;
import dev.mcppool.Transport;
import dev.mcppool.spring.internal.McpPoolFailureAnalyzer;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Keeps the README's Spring section true: its YAML starts an application, its code is compiled code, its report is
 * real.
 */
class ReadmeSectionTest {

    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path README = MODULE.getParent().resolve("README.md");
    private static final Pattern SNIPPET =
            Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\R```java\\R(.*?)```", Pattern.DOTALL);

    @Test
    void theYamlExampleStartsAnApplicationWithExactlyThoseSettings() throws IOException {
        PropertySource<?> yaml = yaml();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ContextCloseTest.App.class)
                .web(WebApplicationType.NONE)
                .properties("TICKETS_API_KEY=test-key")
                .initializers(c -> c.getEnvironment().getPropertySources().addFirst(yaml))
                .run()) {
            McpSessionPool pool = context.getBean(McpSessionPool.class);
            assertThat(pool.name()).isEqualTo("assistant-mcp");
            PoolConfig example = pool.config();
            assertThat(example.clientName()).isEqualTo("assistant");
            assertThat(example.clientVersion()).isEqualTo("1.4.0");
            PoolConfig defaults = PoolConfig.defaults();
            assertThat(example.toString()).as("every other value is the library's default")
                    .isEqualTo(defaults.toString());
            assertThat(example.housekeepingInterval()).isEqualTo(defaults.housekeepingInterval());

            McpServers servers = context.getBean(McpServers.class);
            assertThat(servers.all()).extracting(McpServer::name).containsExactly("docs", "tickets");
            assertThat(servers.get("docs").forwardHeaders()).containsExactly("Authorization", "X-Tenant-Id");
            McpServer tickets = servers.get("tickets");
            assertThat(tickets.target().transport()).isEqualTo(Transport.SSE);
            assertThat(tickets.target().headers()).isEqualTo(Map.of("X-Api-Key", "test-key"));
            assertThat(tickets.toolPrefix()).isEqualTo("jira");
            assertThat(context.getBeansOfType(McpPoolToolCallbackProvider.class)).hasSize(1);
            assertThat(context.containsBean("mcpPoolHealthIndicator")).isTrue();
        }
    }

    @Test
    void theYamlExampleSetsEveryPropertyAndNoUnknownOne() throws IOException {
        List<String> keys = new ArrayList<>();
        for (String key : ((EnumerablePropertySource<?>) yaml()).getPropertyNames()) {
            if (key.startsWith("mcp.pool.")) {
                keys.add(key.replaceAll("\\[\\d+]$", ""));
            }
        }
        for (RecordComponent component : McpPoolProperties.class.getRecordComponents()) {
            String property = "mcp.pool." + component.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            assertThat(keys).as("the example sets " + property).anyMatch(k -> k.startsWith(property));
        }
        List<String> known = new ArrayList<>();
        for (RecordComponent component : McpPoolProperties.class.getRecordComponents()) {
            known.add("mcp.pool." + component.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT));
        }
        Pattern server = Pattern.compile("mcp\\.pool\\.servers\\.[a-z]+\\.(url|transport|headers\\.[A-Za-z-]+"
                + "|forward-headers|tool-prefix)");
        Pattern tools = Pattern.compile("mcp\\.pool\\.tools\\.(enabled|cache-ttl|cache-max-entries)");
        assertThat(keys).allMatch(k -> known.contains(k) || server.matcher(k).matches() || tools.matcher(k).matches(),
                "a property the starter knows");
    }

    @Test
    void theFailureReportIsWhatTheApplicationPrints() throws IOException {
        String readme = Files.readString(README);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(McpPoolAutoConfiguration.class))
                .withPropertyValues("mcp.pool.max-sessions-per-key=0", "mcp.pool.health-check-methods=ping,pong")
                .run(context -> {
                    FailureAnalysis analysis = new McpPoolFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(readme).contains("Description:\n\n" + analysis.getDescription() + "\n\nAction:\n\n"
                            + analysis.getAction() + "\n");
                });
    }

    @Test
    void everySnippetMatchesItsCompiledSource() throws IOException {
        Path root = MODULE.getParent();
        Matcher snippet = SNIPPET.matcher(Files.readString(README));
        int checked = 0;
        while (snippet.find()) {
            if (!snippet.group(1).startsWith("mcp-pool-spring-boot-starter/")) {
                continue;
            }
            assertThat(snippet.group(3).lines().toList())
                    .as("snippet %s#%s", snippet.group(1), snippet.group(2))
                    .containsExactlyElementsOf(region(root.resolve(snippet.group(1)), snippet.group(2)));
            checked++;
        }
        assertThat(checked).isEqualTo(2);
    }

    /** The first {@code yaml} block of the README section. */
    private static PropertySource<?> yaml() throws IOException {
        Matcher block = Pattern.compile("```yaml\\R(.*?)```", Pattern.DOTALL).matcher(Files.readString(README));
        assertThat(block.find()).as("a yaml block in " + README).isTrue();
        List<PropertySource<?>> sources = new YamlPropertySourceLoader()
                .load("README.md", new ByteArrayResource(block.group(1).getBytes()));
        assertThat(sources).hasSize(1);
        return sources.get(0);
    }

    /** The lines between {@code // tag::name[]} and {@code // end::name[]}, without their common indentation. */
    private static List<String> region(Path file, String tag) throws IOException {
        List<String> lines = Files.readAllLines(file).stream().map(String::stripTrailing).toList();
        int start = lines.indexOf(lines.stream().filter(l -> l.strip().equals("// tag::" + tag + "[]"))
                .findFirst().orElseThrow()) + 1;
        int end = lines.indexOf(lines.stream().filter(l -> l.strip().equals("// end::" + tag + "[]"))
                .findFirst().orElseThrow());
        List<String> region = new ArrayList<>(lines.subList(start, end));
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        region.replaceAll(l -> l.isBlank() ? "" : l.substring(indent));
        return region;
    }
}
