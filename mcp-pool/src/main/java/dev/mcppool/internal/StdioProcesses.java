package dev.mcppool.internal;

import dev.mcppool.PoolConfig;

import io.modelcontextprotocol.spec.McpClientTransport;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server processes of a pool's stdio sessions, by session. Both session factories use it: to start a
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

    /** A failed creation: stop the process and describe why it failed, with its stderr. */
    StdioStartException failed(StdioProcess process, Throwable cause) {
        String detail = process.failureDetail();
        process.stop(config.closeTimeout());
        return new StdioStartException(detail, cause);
    }

    /** Stops the process of a stdio session (ask, tell, force); false if the session is not a stdio one. */
    boolean stop(Object session) {
        StdioProcess process = bySession.remove(session);
        if (process == null) {
            return false;
        }
        process.stop(config.closeTimeout());
        return true;
    }

    /** Kills the process of a stdio session at once. */
    void kill(Object session) {
        StdioProcess process = bySession.remove(session);
        if (process != null) {
            process.kill();
        }
    }
}
