package dev.mcppool.internal;

import dev.mcppool.DiscardReason;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes discarded sessions, asynchronously and at most {@code maxConcurrent} at a time (a mass discard must not
 * send thousands of DELETEs at once), and frees a session's global unit only once its close has finished, so
 * sessions open on servers never exceed {@code maxTotalSessions}. On shutdown every queued close starts at once
 * and {@link #shutdown()} completes when all have finished: nothing queued is dropped.
 */
final class SessionCloser<S> {

    private record Job<S>(PooledEntry<S> entry, DiscardReason reason) {
    }

    private final SessionFactory<S> factory;
    private final PoolState pool;
    private final PoolCounters counters;
    private final SafeListener listener;
    private final Runnable onFreed;
    private final int maxConcurrent;
    private final ConcurrentLinkedQueue<Job<S>> queue = new ConcurrentLinkedQueue<>();
    private final Set<CompletableFuture<Void>> running = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean unlimited;

    /** @param onFreed runs after a unit is freed (to let starved keys use it) */
    SessionCloser(SessionFactory<S> factory, PoolState pool, PoolCounters counters, SafeListener listener,
            int maxConcurrent, Runnable onFreed) {
        this.factory = factory;
        this.pool = pool;
        this.counters = counters;
        this.listener = listener;
        this.maxConcurrent = maxConcurrent;
        this.onFreed = onFreed;
    }

    /** Closes an entry already moved to {@code CLOSING}; a null reason closes it without telling the listener. */
    void close(PooledEntry<S> entry, DiscardReason reason) {
        queue.add(new Job<>(entry, reason));
        startQueued();
    }

    private void startQueued() {
        while (unlimited || inFlight.get() < maxConcurrent) {
            Job<S> job = queue.poll();
            if (job == null) {
                return;
            }
            inFlight.incrementAndGet();
            start(job);
        }
    }

    private void start(Job<S> job) {
        CompletableFuture<Void> closing = closeOrForce(job.entry().session);
        running.add(closing);
        closing.whenComplete((r, e) -> {
            running.remove(closing);
            inFlight.decrementAndGet();
            freed(job);
            startQueued();
        });
    }

    private CompletableFuture<Void> closeOrForce(S session) {
        try {
            return factory.close(session);
        } catch (RuntimeException e) {
            factory.closeNow(session);
            return CompletableFuture.completedFuture(null);
        }
    }

    private void freed(Job<S> job) {
        job.entry().partition.closed(job.entry());
        pool.budget.give();
        DiscardReason reason = job.reason();
        if (reason != null) {
            if (reason == DiscardReason.TTL || reason == DiscardReason.HEALTH) {
                counters.evictions.increment();
            }
            listener.discarded(job.entry().key(), reason);
        }
        onFreed.run();
    }

    /** Starts every queued close; completes when every close started so far has finished. */
    CompletableFuture<Void> shutdown() {
        unlimited = true;
        startQueued();
        return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new));
    }

}
