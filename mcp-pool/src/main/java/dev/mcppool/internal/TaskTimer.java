package dev.mcppool.internal;

/**
 * Runs a task after a delay: the acquire, creation and close deadlines of the async core. The pool's is backed by
 * its scheduler thread; tests pass one driven by a manual clock. Tasks must be short and must not block.
 */
public interface TaskTimer {

    /** A scheduled task that can be called off. */
    interface Cancellable {
        void cancel();
    }

    /** Runs {@code task} once, {@code delayNanos} from now (at once if not positive). */
    Cancellable schedule(Runnable task, long delayNanos);
}
