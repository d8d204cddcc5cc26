package dev.mcppool.cli;

import dev.mcppool.McpTarget;
import dev.mcppool.PoolConfig;
import dev.mcppool.Transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** Options that say how to reach the server, shared by {@code bench} and {@code call}. */
final class ServerOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--transport", paramLabel = "streamable|sse", defaultValue = "streamable",
            converter = TransportOption.Converter.class,
            description = "MCP transport: streamable (Streamable HTTP, endpoint usually /mcp) or sse (legacy"
                    + " HTTP+SSE, endpoint usually /sse). Default: ${DEFAULT-VALUE}.")
    TransportOption transport;

    @Option(names = {"-H", "--header"}, paramLabel = "NAME:VALUE", converter = HeaderOption.Converter.class,
            description = "A header sent to the server on every request, for example"
                    + " 'Authorization: Bearer <token>'. Repeatable. Values are never printed.")
    List<HeaderOption> headers = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "Limit for connecting, initializing a session and each request, such as 30s, 500ms"
                    + " or 2m. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    /**
     * The target for this URL with the {@code --header} headers.
     *
     * @throws ParameterException for a URL or header the library refuses, with the library's message
     */
    McpTarget target(String url) {
        McpTarget target;
        try {
            target = transport.target(url);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "invalid --url: " + e.getMessage(), e);
        }
        try {
            return target.withHeaders(headerMap());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "invalid --header: " + e.getMessage(), e);
        }
    }

    /**
     * Pool settings for a command-line run: {@code --timeout} for every wait, no background housekeeping (a run
     * ends long before a session could expire), and this tool as the MCP client name.
     */
    PoolConfig.Builder poolConfig() {
        return poolConfig(PoolConfig.builder());
    }

    /**
     * As {@link #poolConfig()}, starting for a stdio target from the library's
     * {@link PoolConfig.Builder#stdioDefaults() stdio defaults} ({@code --timeout} still limits starting a server
     * and its {@code initialize}).
     */
    PoolConfig.Builder poolConfig(McpTarget target) {
        return poolConfig(target.transport() == Transport.STDIO ? PoolConfig.builder().stdioDefaults()
                : PoolConfig.builder());
    }

    private PoolConfig.Builder poolConfig(PoolConfig.Builder builder) {
        return builder
                .acquireTimeout(timeout)
                .createTimeout(timeout)
                .requestTimeout(timeout)
                .connectTimeout(timeout)
                .clientInfo("mcp-pool-cli", McpPoolCommand.version())
                .backgroundHousekeeping(false);
    }

    /**
     * For the legacy SSE transport, fails at once when nothing listens: its SDK client would only time out. See
     * {@link EndpointProbe}.
     */
    void checkListening(McpTarget target) {
        if (target.transport() == Transport.SSE) {
            EndpointProbe.requireListening(target, timeout);
        }
    }

    private Map<String, String> headerMap() {
        Map<String, String> map = new LinkedHashMap<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (HeaderOption header : headers) {
            String previous = seen.put(header.name().toLowerCase(Locale.ROOT), header.name());
            if (previous != null) {
                throw new IllegalArgumentException("header '" + header.name() + "' is given twice");
            }
            map.put(header.name(), header.value());
        }
        return map;
    }

    /** Reads {@code 30s}, {@code 500ms}, {@code 2m} or a plain number of seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {

        private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)?");

        @Override
        public Duration convert(String text) {
            Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("expected a duration such as 30s, 500ms or 2m, but was '" + text
                        + "'");
            }
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            Duration d = switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
            };
            if (d.isZero()) {
                throw new TypeConversionException("must be positive, but was '" + text + "'");
            }
            return d;
        }
    }
}
