package dev.mcppool.internal;

import io.modelcontextprotocol.common.McpTransportContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-session holder of the headers of the current lease and of its current call. The SDK reads it on every
 * request through the client's transport-context provider, and the pool's request customizer copies the headers
 * onto the HTTP request. Written by the single lease holder, read by the SDK on the caller's thread or the HTTP
 * client's threads, hence volatile.
 */
public final class SessionContext {

    /** Key under which the headers travel in the {@link McpTransportContext}. */
    public static final String HEADERS = "dev.mcppool.headers";

    private final McpTransportContext base;
    private volatile McpTransportContext current;

    public SessionContext(Map<String, String> sessionHeaders) {
        this.base = McpTransportContext.create(Map.of(HEADERS, Map.copyOf(sessionHeaders)));
        this.current = base;
    }

    /** The context for the next request. */
    public McpTransportContext transportContext() {
        return current;
    }

    /** Sets the headers of the lease now holding the session, plus headers for its calls only. */
    public void lease(Map<String, String> leaseHeaders, Map<String, String> callHeaders) {
        if (callHeaders.isEmpty()) {
            current = McpTransportContext.create(Map.of(HEADERS, leaseHeaders));
            return;
        }
        Map<String, String> merged = new LinkedHashMap<>(leaseHeaders);
        merged.putAll(callHeaders);
        current = McpTransportContext.create(Map.of(HEADERS, Map.copyOf(merged)));
    }

    /** Back to the headers the session was opened with; per-call headers are dropped. */
    public void reset() {
        if (current != base) { // a volatile write costs a fence: skip it when nothing was set
            current = base;
        }
    }
}
