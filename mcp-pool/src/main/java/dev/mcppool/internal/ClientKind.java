package dev.mcppool.internal;

import dev.mcppool.PoolConfig;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;

import java.lang.reflect.Field;
import java.time.Duration;

/**
 * Which SDK client a front door hands to its callers. Either way the pool itself drives the session through its
 * {@link McpAsyncClient}, "the asynchronous kernel": the SDK's {@link McpSyncClient} is a blocking view over one
 * (read from its private {@code delegate} field, as the SDK has no accessor), so handshakes, health checks and
 * closes are written once, asynchronously, for both doors.
 *
 * @param <S> the client type callers get
 */
public abstract class ClientKind<S> {

    /** {@link McpSyncClient}, whose calls read the lease's headers through its transport-context provider. */
    public static final ClientKind<McpSyncClient> SYNC = new ClientKind<>() {

        private final Field delegate = delegateField();

        @Override
        McpSyncClient build(McpClientTransport transport, SessionContext context, PoolConfig config,
                McpSchema.Implementation clientInfo) {
            return McpClient.sync(transport)
                    .requestTimeout(config.requestTimeout())
                    .initializationTimeout(initializationTimeout(config))
                    .clientInfo(clientInfo)
                    .transportContextProvider(context::transportContext)
                    .build();
        }

        @Override
        McpAsyncClient kernel(McpSyncClient client) {
            try {
                return (McpAsyncClient) delegate.get(client);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot reach the McpAsyncClient of an McpSyncClient", e);
            }
        }
    };

    /** {@link McpAsyncClient}; the lease writes its headers into each request's Reactor context. */
    public static final ClientKind<McpAsyncClient> ASYNC = new ClientKind<>() {

        @Override
        McpAsyncClient build(McpClientTransport transport, SessionContext context, PoolConfig config,
                McpSchema.Implementation clientInfo) {
            return McpClient.async(transport)
                    .requestTimeout(config.requestTimeout())
                    .initializationTimeout(initializationTimeout(config))
                    .clientInfo(clientInfo)
                    .build();
        }

        @Override
        McpAsyncClient kernel(McpAsyncClient client) {
            return client;
        }
    };

    private ClientKind() {
    }

    abstract S build(McpClientTransport transport, SessionContext context, PoolConfig config,
            McpSchema.Implementation clientInfo);

    abstract McpAsyncClient kernel(S client);

    /**
     * The SDK's own deadline for {@code initialize}: longer than the pool's create timeout, so a handshake the pool
     * gave up on can still finish and be closed (HTTP DELETE) instead of staying open on the server unknown.
     */
    private static Duration initializationTimeout(PoolConfig config) {
        return config.createTimeout().plus(config.closeTimeout());
    }

    private static Field delegateField() {
        try {
            Field field = McpSyncClient.class.getDeclaredField("delegate");
            if (field.getType() != McpAsyncClient.class) {
                throw new IllegalStateException("McpSyncClient.delegate is a " + field.getType().getName());
            }
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this MCP SDK's McpSyncClient has no McpAsyncClient delegate the pool "
                    + "can drive; the pool supports MCP Java SDK 2.1.x", e);
        }
    }
}
