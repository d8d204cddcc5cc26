package dev.mcppool.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Validation of header names and values at the API boundary. Messages name the header, never its value. */
public final class HeaderRules {

    /** Longest header value accepted; real tokens are far shorter, and servers reject larger headers anyway. */
    public static final int MAX_VALUE_LENGTH = 8192;

    /** Headers that {@code java.net.http} refuses to set, or that the MCP transport manages itself. */
    private static final Set<String> RESERVED = Set.of(
            "connection", "content-length", "expect", "host", "upgrade", "mcp-session-id",
            "mcp-protocol-version", "last-event-id", "content-type", "accept");

    private HeaderRules() {
    }

    /**
     * Validates every entry and returns an unmodifiable copy in iteration order.
     *
     * @param what names the argument in messages, for example {@code "identity header"}
     */
    public static Map<String, String> validated(Map<String, String> headers, String what) {
        if (headers == null) {
            throw new IllegalArgumentException(what + "s must not be null");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers.entrySet()) {
            String name = e.getKey();
            checkName(name, what);
            checkValue(name, e.getValue(), what);
            String lower = name.toLowerCase(Locale.ROOT);
            String previous = seen.put(lower, name);
            if (previous != null) {
                throw new IllegalArgumentException(what + " '" + name + "' is given twice (as '" + previous
                        + "' and '" + name + "'): header names are case-insensitive");
            }
            copy.put(name, e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }

    static void checkName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " name must not be null or blank");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException(what + " name must be an HTTP token (RFC 9110), but '"
                        + printable(name) + "' contains character 0x" + Integer.toHexString(name.charAt(i)));
            }
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(what + " '" + name
                    + "' is managed by the HTTP client or the MCP transport and cannot be set");
        }
    }

    static void checkValue(String name, String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " '" + name + "' must not have a null value");
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException(what + " '" + name + "' value must be at most " + MAX_VALUE_LENGTH
                    + " characters, but was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || (c < 0x20 && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException(what + " '" + name
                        + "' value must not contain control characters such as CR or LF (found 0x"
                        + Integer.toHexString(c) + " at index " + i + ")");
            }
        }
    }

    private static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
