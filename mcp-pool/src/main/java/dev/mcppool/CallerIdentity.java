package dev.mcppool;

import dev.mcppool.internal.HeaderRules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a session is for: the caller's user identity (as your application knows it, for example the authenticated
 * principal) and the caller's headers (credentials such as {@code Authorization}, tenant headers, and anything else
 * the server should see). Both join the pool key, so one user's session never reaches another user, even when they
 * share a credential. The headers are sent to the server on the session's requests.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows header names only, never values.
 */
public final class CallerIdentity {

    private static final CallerIdentity ANONYMOUS = new CallerIdentity(null, Map.of());

    private final String user;
    private final Map<String, String> headers;

    private CallerIdentity(String user, Map<String, String> headers) {
        this.user = user;
        this.headers = headers;
    }

    /** No user and no headers: every anonymous caller of a server shares its sessions. */
    public static CallerIdentity anonymous() {
        return ANONYMOUS;
    }

    /** A user with no headers. */
    public static CallerIdentity user(String user) {
        return of(user, Map.of());
    }

    /** Headers without a separate user identity: the identity headers among them decide the key. */
    public static CallerIdentity headers(Map<String, String> headers) {
        return new CallerIdentity(null, HeaderRules.validated(headers, "identity header"));
    }

    /** A user and the headers of the user's request. */
    public static CallerIdentity of(String user, Map<String, String> headers) {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("user must not be null or blank; use CallerIdentity.anonymous()"
                    + " or CallerIdentity.headers(...) for callers without a user identity");
        }
        return new CallerIdentity(user, HeaderRules.validated(headers, "identity header"));
    }

    /** A copy with one more header. */
    public CallerIdentity withHeader(String name, String value) {
        Map<String, String> merged = new LinkedHashMap<>(headers);
        merged.put(name, value);
        return new CallerIdentity(user, HeaderRules.validated(merged, "identity header"));
    }

    /** The user identity, if one was given. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The caller's headers, unmodifiable, in the order given. */
    public Map<String, String> headers() {
        return headers;
    }

    public boolean isAnonymous() {
        return user == null && headers.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CallerIdentity c && Objects.equals(user, c.user) && headers.equals(c.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, headers);
    }

    /** Never shows the user name or header values: both may be personal data or secrets. */
    @Override
    public String toString() {
        return "CallerIdentity[user=" + (user == null ? "none" : "<set>") + ", headers=" + headers.keySet() + "]";
    }
}
