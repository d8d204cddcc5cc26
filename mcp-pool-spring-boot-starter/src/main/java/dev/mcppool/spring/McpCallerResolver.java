package dev.mcppool.spring;

import dev.mcppool.CallerIdentity;

/**
 * Says who the current caller is, for a call to one configured server: the user identity and the headers that go
 * into the pool key and to the server. The tool callbacks ask it on the thread that runs each tool call.
 *
 * <p>The auto-configured {@link DefaultMcpCallerResolver} takes the principal name of Spring Security's
 * authenticated user and the server's {@code forward-headers} of the current servlet request. Declare a bean of this
 * type to replace it, for example to read a tenant from a JWT claim or to resolve callers in WebFlux.
 *
 * <p>Implementations must be thread-safe, and must return a <strong>verified</strong> identity: sessions are kept
 * apart by it, so a caller who can choose the identity can reach another user's sessions.
 */
@FunctionalInterface
public interface McpCallerResolver {

    /** The current caller's identity for a call to {@code server}; {@link CallerIdentity#anonymous()} if none. */
    CallerIdentity resolve(McpServer server);
}
