package dev.mcppool.internal;

import dev.mcppool.CallerIdentity;
import dev.mcppool.IdentityExtractor;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolKey;
import dev.mcppool.StdioCommand;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Derives pool keys: SHA-256 of the user identity, the server URL (query hashed), SHA-256 of the identity headers
 * (or of the extracted principal), the transport, and SHA-256 of the optional conversation scope. Thread-safe.
 */
public final class KeyDeriver {

    public static final String ANONYMOUS = "anonymous";

    private static final Logger log = LoggerFactory.getLogger(KeyDeriver.class);

    private final Set<String> identityHeaders;
    private final IdentityExtractor extractor;
    private final LongAdder anonymous = new LongAdder();
    private volatile boolean extractorFailureLogged;

    public KeyDeriver(Set<String> identityHeaders, Optional<IdentityExtractor> extractor) {
        this.identityHeaders = identityHeaders;
        this.extractor = extractor.orElse(null);
    }

    /** The spec for this target, identity and scope (null for none). */
    public SessionSpec derive(McpTarget target, CallerIdentity identity, String scope) {
        Map<String, String> headers = merge(target.headers(), identity.headers());
        String userHash = identity.user().map(u -> Hashing.sha256("user", u)).orElse(ANONYMOUS);
        String identityHash = identityHash(headers);
        if (userHash.equals(ANONYMOUS) && identityHash.equals(ANONYMOUS)) {
            anonymous.increment();
            log.debug("Caller has no user and no identity headers: it shares the anonymous sessions of {}",
                    target.displayUrl());
        }
        String scopeHash = scope == null ? "" : Hashing.sha256("scope", scope);
        StdioCommand stdio = target.stdio().orElse(null);
        String url = stdio == null ? keyUrl(target.uri()) : stdioKey(stdio);
        PoolKey key = new PoolKey(userHash, url, identityHash, target.transport(), scopeHash);
        return new SessionSpec(key, stdio == null ? target.uri() : null, target.transport(), headers,
                stdio == null ? target.displayUrl() : url, stdio);
    }

    /** Keys derived for callers with neither a user nor identity headers. */
    public long anonymousCount() {
        return anonymous.sum();
    }

    private String identityHash(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return ANONYMOUS;
        }
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        if (extractor != null) {
            String principal = extract(Collections.unmodifiableMap(lower));
            if (principal != null) {
                return Hashing.sha256("principal", principal);
            }
        }
        List<String> fields = new ArrayList<>();
        fields.add("headers");
        lower.forEach((name, value) -> {
            if (identityHeaders.contains(name)) {
                fields.add(name);
                fields.add(value);
            }
        });
        return fields.size() == 1 ? ANONYMOUS : Hashing.sha256(fields.toArray(String[]::new));
    }

    private String extract(Map<String, String> headers) {
        try {
            Optional<String> principal = extractor.principal(headers);
            if (principal != null && principal.isPresent() && !principal.get().isBlank()) {
                return principal.get();
            }
            return null;
        } catch (Exception | LinkageError e) {
            if (!extractorFailureLogged) {
                extractorFailureLogged = true;
                log.warn("Identity extractor threw {}; falling back to the identity-header hash (logged once)",
                        e.getClass().getName());
            }
            return null;
        }
    }

    private static Map<String, String> merge(Map<String, String> target, Map<String, String> caller) {
        if (target.isEmpty()) {
            return caller;
        }
        Map<String, String> merged = new LinkedHashMap<>();
        Map<String, String> namesByLower = new LinkedHashMap<>();
        for (Map<String, String> source : List.of(target, caller)) {
            source.forEach((name, value) -> {
                String previous = namesByLower.put(name.toLowerCase(Locale.ROOT), name);
                if (previous != null) {
                    merged.remove(previous);
                }
                merged.put(name, value);
            });
        }
        return Collections.unmodifiableMap(merged);
    }

    /** {@code stdio:<name>#<hash of command line, environment and directory>}: one key (and breaker) per process kind. */
    private static String stdioKey(StdioCommand stdio) {
        List<String> fields = new ArrayList<>();
        fields.add("stdio");
        fields.add(stdio.command());
        fields.add(Integer.toString(stdio.args().size()));
        fields.addAll(stdio.args());
        new TreeMap<>(stdio.environment()).forEach((name, value) -> {
            fields.add(name);
            fields.add(value);
        });
        fields.add(stdio.directory().map(Object::toString).orElse(""));
        return "stdio:" + stdio.displayName() + "#" + Hashing.sha256(fields.toArray(String[]::new)).substring(0, 16);
    }

    private static String keyUrl(URI uri) {
        String shown = Urls.redact(uri);
        if (uri.getRawQuery() == null) {
            return shown;
        }
        return shown.replace("?<redacted>", "?sha256=" + Hashing.sha256("query", uri.getRawQuery()).substring(0, 16));
    }
}
