package dev.mcppool.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One {@code --env NAME=VALUE} for a stdio server. The value may be a secret: {@link #toString()} and every message
 * show the name only.
 */
record EnvOption(String name, String value) {

    @Override
    public String toString() {
        return name + "=<value hidden>";
    }

    /** Splits at the first {@code =}; the value may be empty, the name may not. */
    static final class Converter implements ITypeConverter<EnvOption> {
        @Override
        public EnvOption convert(String text) {
            int equals = text.indexOf('=');
            if (equals <= 0 || text.substring(0, equals).isBlank()) {
                // Never echo the text: it may be a bare secret.
                throw new TypeConversionException("expected NAME=VALUE, for example 'API_KEY=<key>'");
            }
            String name = text.substring(0, equals);
            if (name.indexOf('\0') >= 0 || !name.strip().equals(name)) {
                throw new TypeConversionException("the variable name must not have spaces around it or contain NUL");
            }
            String value = text.substring(equals + 1);
            if (value.indexOf('\0') >= 0) {
                throw new TypeConversionException("the value of " + name + " must not contain NUL");
            }
            return new EnvOption(name, value);
        }
    }
}
