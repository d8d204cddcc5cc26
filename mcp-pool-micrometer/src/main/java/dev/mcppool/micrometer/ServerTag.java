package dev.mcppool.micrometer;

import java.util.Locale;

/**
 * Derives the {@code server} tag, {@code host:port}, from a URL the pool reports. Only the authority is kept: the
 * path may name a tenant or a user, and the pool has already replaced any query with a hash that differs per
 * credential, so neither belongs in a tag. Never throws: a string that is not a URL gives {@code "unknown"}.
 */
final class ServerTag {

    static final String UNKNOWN = "unknown";

    private ServerTag() {
    }

    static String of(String url) {
        if (url == null) {
            return UNKNOWN;
        }
        int schemeEnd = url.indexOf("://");
        if (schemeEnd <= 0) {
            return UNKNOWN;
        }
        int start = schemeEnd + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            // The pool rejects user-info; dropping it here keeps a credential out of a tag even so.
            authority = authority.substring(at + 1);
        }
        if (authority.endsWith(":")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.isEmpty()) {
            return UNKNOWN;
        }
        authority = authority.toLowerCase(Locale.ROOT);
        return hasPort(authority) ? authority : authority + ":" + defaultPort(url.substring(0, schemeEnd));
    }

    private static boolean hasPort(String authority) {
        int colon = authority.lastIndexOf(':');
        return colon >= 0 && colon > authority.lastIndexOf(']');
    }

    private static String defaultPort(String scheme) {
        return scheme.equalsIgnoreCase("https") ? "443" : "80";
    }
}
