package dev.mcppool.cli;

/**
 * While a stdio bench runs, a JVM shutdown hook that kills every process this JVM started, so that a bench stopped
 * with Ctrl-C (or SIGTERM) does not leave server processes behind. Normal ends and errors stop them on their own:
 * the pool closes its sessions and each SDK session waits for its process; this is only the last resort.
 */
final class OrphanGuard {

    private OrphanGuard() {
    }

    /** Installs the hook; give the result to {@link #remove} when the bench ends. */
    static Thread install() {
        Thread hook = new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly),
                "mcp-pool-bench-stdio-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Removes the hook; nothing for null, and nothing once the JVM is already shutting down. */
    static void remove(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs, or has run.
        }
    }
}
