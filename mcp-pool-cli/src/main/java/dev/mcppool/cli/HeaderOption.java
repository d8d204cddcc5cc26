package dev.mcppool.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One {@code --header NAME:VALUE}. The value may be a secret: {@link #toString()} and every message show the name
 * only.
 */
record HeaderOption(String name, String value) {

    @Override
    public String toString() {
        return name + ": <value hidden>";
    }

    /** Splits at the first colon; spaces around the name and before the value are dropped, as curl does. */
    static final class Converter implements ITypeConverter<HeaderOption> {
        @Override
        public HeaderOption convert(String text) {
            int colon = text.indexOf(':');
            if (colon <= 0 || text.substring(0, colon).isBlank()) {
                // Never echo the text: it may be a bare token.
                throw new TypeConversionException(
                        "expected NAME:VALUE, for example 'Authorization: Bearer <token>'");
            }
            return new HeaderOption(text.substring(0, colon).strip(), text.substring(colon + 1).stripLeading());
        }
    }
}
