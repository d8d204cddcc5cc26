package dev.mcppool.internal;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sessions without a server, for the engine's own invariants (cases a real server cannot produce on demand, such
 * as a creation that blocks until the test releases it). Integration tests use the real test server instead.
 */
final class FakeSessionFactory implements SessionFactory<FakeSessionFactory.Session> {

    /** A fake session: an id, the key's spec it was opened for, and whether it was closed. */
    static final class Session {
        final int id;
        final SessionSpec spec;
        final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        final AtomicInteger users = new AtomicInteger();

        Session(int id, SessionSpec spec) {
            this.id = id;
            this.spec = spec;
        }
    }

    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    final ConcurrentHashMap<Integer, Session> sessions = new ConcurrentHashMap<>();
    final AtomicReference<RuntimeException> failOpen = new AtomicReference<>();
    final AtomicReference<CountDownLatch> blockOpen = new AtomicReference<>();
    final AtomicReference<HealthCheckOutcome> checkOutcome = new AtomicReference<>(HealthCheckOutcome.PASSED);
    final AtomicInteger checks = new AtomicInteger();

    @Override
    public Session open(SessionSpec spec, SessionContext context) throws Exception {
        CountDownLatch gate = blockOpen.get();
        if (gate != null) {
            gate.await();
        }
        RuntimeException failure = failOpen.get();
        if (failure != null) {
            throw failure;
        }
        Session s = new Session(opened.incrementAndGet(), spec);
        sessions.put(s.id, s);
        open.incrementAndGet();
        return s;
    }

    @Override
    public HealthCheckOutcome check(Session session, HealthCheckMethod method, Duration timeout) {
        checks.incrementAndGet();
        return method == HealthCheckMethod.SKIP ? HealthCheckOutcome.PASSED : checkOutcome.get();
    }

    @Override
    public void close(Session session) {
        if (session.closed.compareAndSet(false, true)) {
            closed.incrementAndGet();
            open.decrementAndGet();
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
