package dev.mcppool.internal;

import dev.mcppool.PoolConfig;

import io.modelcontextprotocol.spec.McpClientTransport;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server processes of a pool's stdio sessions, by session. The session factory uses it: to start a
 * process's transport, to check it is still alive before a session is reused, and to stop it for good.
 */
final class StdioProcesses {

    private final PoolConfig config;
    private final Map<Object, StdioProcess> bySession = new ConcurrentHashMap<>();

    StdioProcesses(PoolConfig config) {
        this.config = config;
    }

    StdioProcess transport(SessionSpec spec) {
        return new StdioProcess(spec.stdio());
    }

    void opened(Object session, McpClientTransport transport) {
        bySession.put(session, (StdioProcess) transport);
    }

    /** False when the session is a stdio session whose process has exited (crashed between calls). */
    boolean isAlive(Object session) {
        StdioProcess process = bySession.get(session);
        return process == null || process.isAlive();
    }

    /**
     * A failed creation: describes why it failed, with its stderr, and stops the process; completes with the
     * description once the process is gone.
     */
    CompletableFuture<StdioStartException> failed(StdioProcess process, Throwable cause) {
        String detail = process.failureDetail();
        return process.stop(config.closeTimeout()).handle((stopped, error) -> new StdioStartException(detail, cause));
    }

    /**
     * Stops the process of a stdio session (ask, tell, force) without blocking; null if the session is not a stdio
     * one.
     */
    CompletableFuture<Void> stop(Object session) {
        StdioProcess process = bySession.remove(session);
        return process == null ? null : process.stop(config.closeTimeout());
    }

    /** Kills the process of a stdio session at once. */
    void kill(Object session) {
        StdioProcess process = bySession.remove(session);
        if (process != null) {
            process.kill();
        }
    }
}
