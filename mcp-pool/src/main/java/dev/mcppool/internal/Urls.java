package dev.mcppool.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Parsing, validation and log-safe rendering of server URLs. */
public final class Urls {

    private Urls() {
    }

    /** Parses and validates a server URL: absolute http(s), with a host, no user-info and no fragment. */
    public static URI parse(String url) {
        if (url == null) {
            throw new IllegalArgumentException("url must not be null");
        }
        if (url.isBlank()) {
            throw new IllegalArgumentException("url must not be blank");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a valid URI (" + e.getReason() + " at index "
                    + e.getIndex() + "): " + redact(url));
        }
        if (!uri.isAbsolute()) {
            throw new IllegalArgumentException("url must be absolute (http:// or https://), but was " + redact(url));
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("url scheme must be http or https, but was '" + scheme + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url must not contain user-info (credentials): pass them as headers"
                    + " of the caller identity instead; url was " + redact(url));
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("url must name a host, but was " + redact(url));
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("url must not contain a fragment (#...), but was " + redact(url));
        }
        return uri;
    }

    /** Renders a URL for logs and messages: scheme, host, port and path; no user-info, query or fragment. */
    public static String redact(URI uri) {
        StringBuilder b = new StringBuilder();
        if (uri.getScheme() != null) {
            b.append(uri.getScheme()).append("://");
        }
        if (uri.getHost() != null) {
            b.append(uri.getHost());
        }
        if (uri.getPort() >= 0) {
            b.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            b.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            b.append("?<redacted>");
        }
        return b.toString();
    }

    /** Best-effort redaction of a string that may not even parse. */
    public static String redact(String url) {
        try {
            return redact(new URI(url.strip()));
        } catch (URISyntaxException e) {
            int cut = url.length();
            for (char c : new char[] {'?', '#', '@'}) {
                int i = url.indexOf(c);
                if (i >= 0) {
                    cut = Math.min(cut, i);
                }
            }
            String shown = url.substring(0, Math.min(cut, 80)).replaceAll("[\\p{Cntrl}]", "?");
            return "'" + shown + (cut < url.length() ? "...'" : "'");
        }
    }

    /** Scheme and authority, the base URI the SDK transports take. */
    public static String base(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /** Path and query, the endpoint the SDK transports resolve against the base; {@code fallback} if no path. */
    public static String endpoint(URI uri, String fallback) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            path = fallback;
        }
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }
}
