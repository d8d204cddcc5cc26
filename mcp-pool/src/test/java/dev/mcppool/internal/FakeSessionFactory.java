package dev.mcppool.internal;

import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sessions without a server, for the engine's own invariants (cases a real server cannot produce on demand, such
 * as a creation that completes only when the test says so). Opens, checks and closes complete at once unless the
 * test holds them: {@link #holdOpens()}, {@link #holdChecks()}, {@link #holdCloses()}. Integration tests use the real
 * test server instead.
 */
final class FakeSessionFactory implements SessionFactory<FakeSessionFactory.Session> {

    /** A fake session: an id, the key's spec it was opened for, and whether it was closed. */
    static final class Session {
        final int id;
        final SessionSpec spec;
        final AtomicBoolean closed = new AtomicBoolean();
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
    final AtomicReference<HealthCheckOutcome> checkOutcome = new AtomicReference<>(HealthCheckOutcome.PASSED);
    final AtomicInteger checks = new AtomicInteger();
    /** Opens, checks and closes the test holds: each completes when the test completes it. */
    final java.util.Queue<CompletableFuture<Void>> heldOpens = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final java.util.Queue<CompletableFuture<Void>> heldChecks = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final java.util.Queue<CompletableFuture<Void>> heldCloses = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean holdOpens;
    private volatile boolean holdChecks;
    private volatile boolean holdCloses;

    void holdOpens() {
        holdOpens = true;
    }

    void holdChecks() {
        holdChecks = true;
    }

    void holdCloses() {
        holdCloses = true;
    }

    /** Stops holding, and completes everything held so far. */
    void releaseAll() {
        holdOpens = false;
        holdChecks = false;
        holdCloses = false;
        for (var queue : java.util.List.of(heldOpens, heldChecks, heldCloses)) {
            CompletableFuture<Void> f;
            while ((f = queue.poll()) != null) {
                f.complete(null);
            }
        }
    }

    private CompletableFuture<Void> gate(boolean hold, java.util.Queue<CompletableFuture<Void>> queue) {
        if (!hold) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        queue.add(f);
        return f;
    }

    @Override
    public CompletableFuture<Session> open(SessionSpec spec, SessionContext context) {
        return gate(holdOpens, heldOpens).thenApply(ignored -> {
            RuntimeException failure = failOpen.get();
            if (failure != null) {
                throw failure;
            }
            Session s = new Session(opened.incrementAndGet(), spec);
            sessions.put(s.id, s);
            open.incrementAndGet();
            return s;
        });
    }

    @Override
    public CompletableFuture<HealthCheckOutcome> check(Session session, SessionContext context,
            HealthCheckMethod method, Duration timeout) {
        checks.incrementAndGet();
        HealthCheckOutcome outcome = method == HealthCheckMethod.SKIP ? HealthCheckOutcome.PASSED : checkOutcome.get();
        return gate(holdChecks, heldChecks).thenApply(ignored -> outcome);
    }

    @Override
    public CompletableFuture<Void> close(Session session) {
        return gate(holdCloses, heldCloses).thenRun(() -> closeNow(session));
    }

    @Override
    public void closeNow(Session session) {
        if (session.closed.compareAndSet(false, true)) {
            closed.incrementAndGet();
            open.decrementAndGet();
        }
    }

    @Override
    public void shutdown() {
    }
}
