/**
 * A keyed pool of initialized MCP client sessions for the official MCP Java SDK.
 *
 * <p>Only {@code dev.mcppool} is exported. {@code dev.mcppool.internal} is the implementation: it is neither
 * exported nor opened, and may change in any release.
 *
 * <p>The SDK's {@code mcp-core} and Reactor are automatic modules (named by their manifests'
 * {@code Automatic-Module-Name}). They are required transitively because their types are part of this module's
 * API: {@code McpSyncClient} and {@code McpAsyncClient} (and through them {@code McpSchema}) from the SDK,
 * {@code Mono} from Reactor (a Reactive Streams {@code Publisher}), {@code HttpClient.Builder} from {@code java.net.http}.
 */
module dev.mcppool {
    exports dev.mcppool;

    requires transitive io.modelcontextprotocol.sdk.mcp.core;
    requires transitive reactor.core;
    // Mono is a Reactive Streams Publisher. Named explicitly: the compiler plugin puts on the module path only
    // what the module graph names, and an automatic module (reactor.core) names nothing.
    requires transitive org.reactivestreams;
    requires transitive java.net.http;

    // The SDK's own (explicit) module: it brings the Jackson 3 JSON mapper that mcp-core finds through
    // ServiceLoader, together with the explicit modules that mapper needs (Jackson, the JSON schema validator),
    // into the module graph. mcp-core alone would not: an automatic module does not pull in explicit ones.
    requires io.modelcontextprotocol.sdk.mcp;

    requires org.slf4j;
}
