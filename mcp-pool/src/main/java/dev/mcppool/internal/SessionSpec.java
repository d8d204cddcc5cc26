package dev.mcppool.internal;

import dev.mcppool.PoolKey;
import dev.mcppool.StdioCommand;
import dev.mcppool.Transport;

import java.net.URI;
import java.util.Map;

/**
 * Everything needed to open a session for one key: where, over which transport, with which headers. Holds the raw
 * headers (they must be sent), so it is never logged; {@link #toString()} shows the key only.
 *
 * @param key        the pool key
 * @param uri        the server endpoint
 * @param transport  the transport
 * @param headers    headers sent on every request of the session: the target's, then the caller's
 * @param displayUrl the URL without user-info or query (or the stdio command's name and hash), for logs and the
 *                   breaker
 * @param stdio      the server process of a stdio target, else null
 */
public record SessionSpec(PoolKey key, URI uri, Transport transport, Map<String, String> headers, String displayUrl,
        StdioCommand stdio) {

    @Override
    public String toString() {
        return "SessionSpec[" + key + "]";
    }
}
