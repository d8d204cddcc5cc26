package dev.mcppool.internal;

import dev.mcppool.DiscardReason;
import dev.mcppool.PoolClosedException;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One acquire on the full path, the one both front doors share: reserve in the key's partition, then use what it
 * gave (an idle session, checked first if it was idle long; a creation slot; or a place in the queue, until the
 * acquire timeout). The future is the acquire's only output; whoever completes or cancels it first wins, and
 * anything granted after that is given back. Every continuation here is pool bookkeeping that never blocks; the
 * front doors decide on which thread the caller's own continuation runs.
 */
final class AcquireOperation<S> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AcquireOperation.class);

    private final PoolEngine<S> engine;
    private final SessionSpec spec;
    private final long start;
    private final long deadline;
    final Result<S> result = new Result<>();
    private boolean roomAttempted;

    AcquireOperation(PoolEngine<S> engine, SessionSpec spec, long start, long timeoutNanos) {
        this.engine = engine;
        this.spec = spec;
        this.start = start;
        this.deadline = start + timeoutNanos;
    }

    /** Reserves again until it holds something or is queued; used first and after a session failed its check. */
    void attempt() {
        try {
            while (!result.isDone()) {
                Partition<S> p = engine.partition(spec);
                Outcomes<S> out = new Outcomes<>();
                Reservation reserved = p.reserve(engine.now(), roomAttempted, out);
                engine.finish(out);
                if (reserved == Reservation.Signal.RETRY) {
                    continue;
                }
                if (reserved == Reservation.Signal.NEED_ROOM) {
                    roomAttempted = true;
                    engine.makeRoom(p);
                    continue;
                }
                if (reserved == Reservation.Signal.CLOSED) {
                    result.completeExceptionally(engine.poolClosed());
                } else if (reserved == Reservation.Signal.CREATE) {
                    create(p);
                } else if (reserved instanceof Waiter w) {
                    queue(p, w);
                } else {
                    use(p, entry((PooledEntry<?>) reserved), true);
                }
                return;
            }
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private void queue(Partition<S> p, Waiter w) {
        TaskTimer.Cancellable timeout = engine.timer().schedule(() -> timedOut(p, w), deadline - engine.now());
        result.whenComplete((entry, error) -> {
            if (result.isCancelled() && w.future.cancel(false)) {
                timeout.cancel();
                p.removeWaiter(w);
            }
        });
        w.future.whenComplete((grant, error) -> guarded(() -> {
            timeout.cancel();
            if (error != null) {
                Throwable cause = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
                if (cause instanceof PoolClosedException) {
                    result.completeExceptionally(engine.poolClosed());
                } else if (!(cause instanceof CancellationException) && !(cause instanceof WaitTimedOut)) {
                    result.completeExceptionally(cause);
                }
            } else if (result.isDone()) {
                engine.giveBack(p, grant);
            } else if (grant == Reservation.Signal.CREATE) {
                create(p);
            } else {
                use(p, entry((PooledEntry<?>) grant), true);
            }
        }));
        if (engine.state().budget.hasStarved()) {
            // Sessions released to idle before this caller queued did not yield to it: look once more for room.
            engine.makeRoom(p);
        }
    }

    private void timedOut(Partition<S> p, Waiter w) {
        if (w.future.completeExceptionally(WaitTimedOut.INSTANCE)) {
            p.removeWaiter(w);
            Duration waited = Duration.ofNanos(engine.now() - start);
            result.completeExceptionally(engine.exhausted(p, waited));
        }
    }

    private void create(Partition<S> p) {
        result.opening = true;
        engine.creations().open(p, SessionState.LEASED).whenComplete((entry, error) -> guarded(() -> {
            if (error != null) {
                result.completeExceptionally(error instanceof CompletionException c ? c.getCause() : error);
            } else {
                deliver(entry, false);
            }
        }));
    }

    private void use(Partition<S> p, PooledEntry<S> e, boolean hit) {
        if (result.isDone()) {
            engine.release(e, null, false);
            return;
        }
        if (!engine.factory().isUsable(e.session)) {
            engine.release(e, DiscardReason.HEALTH, false);
            attempt();
            return;
        }
        if (e.state() != SessionState.VALIDATING) {
            deliver(e, hit);
            return;
        }
        engine.health().validate(e).whenComplete((healthy, error) -> guarded(() -> {
            if (Boolean.TRUE.equals(healthy) && p.validated(e, engine.now())) {
                deliver(e, hit);
            } else if (Boolean.TRUE.equals(healthy)) {
                result.completeExceptionally(engine.poolClosed()); // shutdown took it during the check
            } else {
                engine.release(e, DiscardReason.HEALTH, false);
                attempt();
            }
        }));
    }

    /**
     * Runs a continuation; a pool bug in it (an illegal state transition) fails this acquire loudly instead of
     * vanishing inside a future and leaving the caller waiting.
     */
    private void guarded(Runnable continuation) {
        try {
            continuation.run();
        } catch (RuntimeException | Error e) {
            LOG.error("Acquire of {} failed inside the pool", spec.key(), e);
            result.completeExceptionally(e);
        }
    }

    private void deliver(PooledEntry<S> e, boolean hit) {
        if (result.complete(e)) {
            engine.acquired(e, hit, engine.now() - start);
        } else {
            engine.release(e, null, false);
        }
    }

    @SuppressWarnings("unchecked")
    private PooledEntry<S> entry(PooledEntry<?> e) {
        return (PooledEntry<S>) e;
    }

    /** The acquire's future; tells whether it was opening a session (for the interrupted caller's message). */
    static final class Result<S> extends CompletableFuture<PooledEntry<S>> {
        volatile boolean opening;
    }

    /** How the acquire's own timeout completes its waiter, told apart from a cancellation. */
    static final class WaitTimedOut extends RuntimeException {
        static final WaitTimedOut INSTANCE = new WaitTimedOut();

        private WaitTimedOut() {
            super("acquire timed out", null, false, false);
        }
    }
}
