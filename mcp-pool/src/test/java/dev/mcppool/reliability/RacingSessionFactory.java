package dev.mcppool.reliability;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.PoolKey;
import dev.mcppool.internal.SessionContext;
import dev.mcppool.internal.SessionFactory;
import dev.mcppool.internal.SessionSpec;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sessions without a server for the engine's race tests: opening takes a random few microseconds (to widen race
 * windows) and fails with a given probability; every session counts its holders and its closes.
 */
final class RacingSessionFactory implements SessionFactory<RacingSessionFactory.Session> {

    /** A fake session of one key. */
    static final class Session {
        final int id;
        final PoolKey key;
        final AtomicInteger holders = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();

        Session(int id, PoolKey key) {
            this.id = id;
            this.key = key;
        }
    }

    final Queue<Session> sessions = new ConcurrentLinkedQueue<>();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger peakOpen = new AtomicInteger();
    final AtomicInteger doubleCloses = new AtomicInteger();
    volatile int failurePercent;

    /** Opens on a short-lived thread of its own after a random few microseconds, as a handshake would complete. */
    @Override
    public CompletableFuture<Session> open(SessionSpec spec, SessionContext context) {
        return CompletableFuture.supplyAsync(() -> {
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(50_000));
            if (failurePercent > 0 && ThreadLocalRandom.current().nextInt(100) < failurePercent) {
                throw new IllegalStateException("connection refused (simulated)");
            }
            Session s = new Session(opened.incrementAndGet(), spec.key());
            sessions.add(s);
            peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            return s;
        }, OPENERS);
    }

    private static final java.util.concurrent.Executor OPENERS = r -> {
        Thread t = new Thread(r, "racing-opener");
        t.setDaemon(true);
        t.start();
    };

    @Override
    public CompletableFuture<HealthCheckOutcome> check(Session session, SessionContext context,
            HealthCheckMethod method, Duration timeout) {
        return CompletableFuture.completedFuture(HealthCheckOutcome.PASSED);
    }

    @Override
    public CompletableFuture<Void> close(Session session) {
        closeNow(session);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void closeNow(Session session) {
        if (session.closes.incrementAndGet() == 1) {
            open.decrementAndGet();
        } else {
            doubleCloses.incrementAndGet();
        }
    }

    @Override
    public void shutdown() {
    }
}
