package dev.mcppool.internal;

import dev.mcppool.AcquireInterruptedException;
import dev.mcppool.PoolClosedException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The blocking view of the async core: the hit path on the caller's thread, else the core's future awaited on the
 * caller's thread. Adds no thread and re-implements nothing; an interrupted wait cancels the acquire, which gives
 * back whatever it held, and keeps the thread's interrupt flag.
 */
public final class Blocking {

    private Blocking() {
    }

    public static <S> PooledEntry<S> acquire(PoolEngine<S> engine, SessionSpec spec) {
        PooledEntry<S> entry = engine.tryAcquireIdle(spec);
        if (entry != null) {
            return entry;
        }
        CompletableFuture<PooledEntry<S>> acquiring = engine.acquire(spec);
        try {
            return acquiring.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!acquiring.cancel(false) && !acquiring.isCompletedExceptionally()) {
                engine.release(acquiring.join(), null, false);
            }
            boolean opening = acquiring instanceof AcquireOperation.Result<?> r && r.opening;
            throw new AcquireInterruptedException(opening
                    ? "interrupted while opening a session of " + spec.key() + " (it joins the pool when open)"
                    : "interrupted while waiting for a session of " + spec.key(), e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /** Waits for a future that is not an acquire (prewarm); an interrupt leaves the work running. */
    public static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AcquireInterruptedException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * The failure of the core's future, for the caller. A pool-closed error is made anew so its stack trace shows
     * the caller; others are the acquire's own exception.
     */
    public static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof PoolClosedException closed) {
            return new PoolClosedException(closed.getMessage());
        }
        return cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
}
