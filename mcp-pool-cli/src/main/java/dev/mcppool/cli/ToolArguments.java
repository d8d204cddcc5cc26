package dev.mcppool.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --args} JSON object, parsed. A record rather than a bare {@code Map}, because picocli would read a
 * {@code Map} option as {@code key=value} pairs.
 */
record ToolArguments(Map<String, Object> values) {

    ToolArguments {
        // JSON null is a legal value, which Map.copyOf refuses.
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Parses the option's text as a JSON object. */
    static final class Converter implements ITypeConverter<ToolArguments> {
        @Override
        public ToolArguments convert(String text) {
            try {
                return new ToolArguments(Json.parseObject(text));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
