package dev.mcppool.cli;

import dev.mcppool.McpTarget;

import java.util.Locale;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The {@code --transport} values: the MCP transports the pool speaks. */
enum TransportOption {

    /** Streamable HTTP (protocol 2025-03-26 and later); the endpoint usually ends in {@code /mcp}. */
    STREAMABLE("streamable", "/mcp"),

    /** The legacy HTTP+SSE transport (protocol 2024-11-05); the event stream usually is at {@code /sse}. */
    SSE("sse", "/sse");

    private final String label;
    private final String defaultPath;

    TransportOption(String label, String defaultPath) {
        this.label = label;
        this.defaultPath = defaultPath;
    }

    /** The name on the command line and in output. */
    String label() {
        return label;
    }

    /** The path a server of this transport usually serves, for the embedded server and for hints. */
    String defaultPath() {
        return defaultPath;
    }

    /** A target for this URL; throws {@link IllegalArgumentException} with the library's message for a bad URL. */
    McpTarget target(String url) {
        return this == STREAMABLE ? McpTarget.streamableHttp(url) : McpTarget.sse(url);
    }

    @Override
    public String toString() {
        return label;
    }

    /** Accepts {@code streamable} (also {@code streamableHttp}, {@code streamable-http}, {@code http}) and {@code sse}. */
    static final class Converter implements ITypeConverter<TransportOption> {
        @Override
        public TransportOption convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
            switch (v) {
                case "streamable":
                case "streamablehttp":
                case "http":
                    return STREAMABLE;
                case "sse":
                    return SSE;
                default:
                    throw new TypeConversionException("expected streamable or sse, but was '" + value + "'");
            }
        }
    }
}
