package dev.mcppool.internal;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.PoolConfig;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens {@link McpSyncClient} sessions over the SDK's Streamable HTTP and SSE client transports (built by
 * {@link HttpTransports}); the client reads the current lease's headers through its transport-context provider.
 */
public final class SyncSessionFactory implements SessionFactory<McpSyncClient> {

    private static final Logger log = LoggerFactory.getLogger(SyncSessionFactory.class);

    private final PoolConfig config;
    private final HttpTransports transports;
    private final StdioProcesses stdio;
    private final ExecutorService worker;
    /** Health-check requests still running per client; a client is closed only after its request ended. */
    private final java.util.Map<McpSyncClient, CompletableFuture<Object>> checks =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param worker     runs health-check requests, so each step can be given up at its own timeout
     * @param threadName prefix of the HTTP client's executor threads
     */
    public SyncSessionFactory(PoolConfig config, ExecutorService worker, String threadName) {
        this.config = config;
        this.worker = worker;
        this.transports = new HttpTransports(config, threadName);
        this.stdio = new StdioProcesses(config);
    }

    @Override
    public McpSyncClient open(SessionSpec spec, SessionContext context) {
        if (spec.transport() == dev.mcppool.Transport.STDIO) {
            return openStdio(spec, context);
        }
        McpSyncClient client = McpClient.sync(transports.transport(spec))
                .requestTimeout(config.requestTimeout())
                .initializationTimeout(config.createTimeout().plus(config.closeTimeout()))
                .clientInfo(transports.clientInfo())
                .transportContextProvider(context::transportContext)
                .build();
        handshake(client, context);
        return client;
    }

    /**
     * Runs {@code initialize} and waits for it on the calling thread. The wait is interruptible but the handshake
     * is not: once its request is on the wire the server may open the session whatever the caller does, so an
     * interrupted caller leaves the handshake running and the session is closed (HTTP DELETE) as soon as it
     * completes. Otherwise the server would hold a session nobody knows of. The handshake is started on the SDK's
     * async client inside the sync one (read reflectively: the SDK offers no accessor); if that is not possible, the
     * plain blocking {@code initialize} is used.
     */
    private void handshake(McpSyncClient client, SessionContext context) {
        McpAsyncClient async = asyncOf(client);
        if (async == null) {
            try {
                client.initialize();
            } catch (RuntimeException | Error e) {
                close(client);
                throw e;
            }
            return;
        }
        CompletableFuture<McpSchema.InitializeResult> handshake =
                AsyncSessionFactory.withContext(async.initialize(), context.transportContext()).toFuture();
        try {
            handshake.get(config.createTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // The server may still open the session: let the handshake finish (the SDK gives it closeTimeout more)
            // and close the session then, as for an interrupt.
            handshake.whenComplete((result, error) -> closeInBackground(client));
            throw new IllegalStateException("initialize did not complete within " + config.createTimeout(), e);
        } catch (InterruptedException e) {
            handshake.whenComplete((result, error) -> closeInBackground(client));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during initialize", e);
        } catch (ExecutionException e) {
            close(client);
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void closeInBackground(McpSyncClient client) {
        try {
            worker.execute(() -> closeGracefully(client));
        } catch (RejectedExecutionException e) {
            close(client);
        }
    }

    private static final Field DELEGATE = delegateField();

    private static Field delegateField() {
        try {
            Field field = McpSyncClient.class.getDeclaredField("delegate");
            field.setAccessible(true);
            return field.getType() == McpAsyncClient.class ? field : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static McpAsyncClient asyncOf(McpSyncClient client) {
        try {
            return DELEGATE == null ? null : (McpAsyncClient) DELEGATE.get(client);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private McpSyncClient openStdio(SessionSpec spec, SessionContext context) {
        StdioProcess process = stdio.transport(spec);
        McpSyncClient client = McpClient.sync(process)
                .requestTimeout(config.requestTimeout())
                .initializationTimeout(config.createTimeout())
                .clientInfo(transports.clientInfo())
                .transportContextProvider(context::transportContext)
                .build();
        try {
            client.initialize();
        } catch (RuntimeException | Error e) {
            StdioStartException failure = stdio.failed(process, e);
            close(client);
            throw failure;
        }
        stdio.opened(client, process);
        return client;
    }

    @Override
    public boolean isUsable(McpSyncClient client) {
        return stdio.isAlive(client);
    }

    @Override
    public HealthCheckOutcome check(McpSyncClient client, HealthCheckMethod method, Duration timeout) {
        if (method == HealthCheckMethod.SKIP) {
            return HealthCheckOutcome.PASSED;
        }
        CompletableFuture<Object> request;
        try {
            request = CompletableFuture.supplyAsync(() -> run(client, method), worker);
        } catch (RejectedExecutionException e) {
            return HealthCheckOutcome.FAILED;
        }
        checks.put(client, request);
        request.whenComplete((result, error) -> checks.remove(client, request));
        try {
            request.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return HealthCheckOutcome.PASSED;
        } catch (TimeoutException e) {
            return HealthCheckOutcome.TIMED_OUT;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (Failures.isMethodNotFound(cause)) {
                return HealthCheckOutcome.UNSUPPORTED;
            }
            return Failures.isTimeout(cause) ? HealthCheckOutcome.TIMED_OUT : HealthCheckOutcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckOutcome.FAILED;
        }
    }

    /**
     * One health-check request. If the server had forgotten the session, the SDK re-initializes the client in place
     * at once; the step is repeated once, joining that initialization, so a session the SDK has healed is kept.
     */
    private static Object run(McpSyncClient client, HealthCheckMethod method) {
        try {
            return request(client, method);
        } catch (RuntimeException e) {
            if (!Failures.isSessionNotFound(e)) {
                throw e;
            }
            return request(client, method);
        }
    }

    private static Object request(McpSyncClient client, HealthCheckMethod method) {
        return switch (method) {
            case PING -> client.ping();
            case LIST_TOOLS -> client.listTools();
            case LIST_PROMPTS -> client.listPrompts();
            case LIST_RESOURCES -> client.listResources();
            case SKIP -> Boolean.TRUE;
        };
    }

    /**
     * A health check given up at its timeout may still be on the wire; closing the client under it would let a late
     * 404 make the SDK re-open the closed client in the background. Wait (bounded) for it to end first.
     */
    private void awaitCheck(McpSyncClient client) {
        CompletableFuture<Object> check = checks.get(client);
        if (check != null) {
            try {
                check.get(config.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                // ended badly or still running: close anyway
            }
        }
    }

    @Override
    public void close(McpSyncClient client) {
        stdio.kill(client);
        try {
            client.close();
        } catch (RuntimeException e) {
            log.debug("Closing a session failed: {}", Failures.describe(e));
        }
    }

    @Override
    public boolean closeGracefully(McpSyncClient client) {
        awaitCheck(client);
        if (stdio.stop(client)) {
            close(client);
            return true;
        }
        try {
            return client.closeGracefully();
        } catch (RuntimeException e) {
            log.debug("Closing a session gracefully failed: {}", Failures.describe(e));
            client.close();
            return false;
        }
    }

    @Override
    public void shutdown() {
        transports.shutdown();
    }
}
