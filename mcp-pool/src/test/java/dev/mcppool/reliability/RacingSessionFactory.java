package dev.mcppool.reliability;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.PoolKey;
import dev.mcppool.internal.SessionContext;
import dev.mcppool.internal.SessionFactory;
import dev.mcppool.internal.SessionSpec;

import java.time.Duration;
import java.util.Queue;
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

    @Override
    public Session open(SessionSpec spec, SessionContext context) {
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(50_000));
        if (failurePercent > 0 && ThreadLocalRandom.current().nextInt(100) < failurePercent) {
            throw new IllegalStateException("connection refused (simulated)");
        }
        Session s = new Session(opened.incrementAndGet(), spec.key());
        sessions.add(s);
        peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        return s;
    }

    @Override
    public HealthCheckOutcome check(Session session, HealthCheckMethod method, Duration timeout) {
        return HealthCheckOutcome.PASSED;
    }

    @Override
    public void close(Session session) {
        if (session.closes.incrementAndGet() == 1) {
            open.decrementAndGet();
        } else {
            doubleCloses.incrementAndGet();
        }
    }

    @Override
    public boolean closeGracefully(Session session) {
        close(session);
        return true;
    }

    @Override
    public void shutdown() {
    }
}
