package dev.mcppool.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The global session budget: one unit per session that is open, being opened or still closing, never more than
 * {@code maxTotalSessions}, and the queue of partitions whose waiters need a unit that was not free.
 */
final class SessionBudget {

    private final int max;
    private final AtomicInteger used = new AtomicInteger();
    private final ConcurrentLinkedQueue<PartitionState<?>> starved = new ConcurrentLinkedQueue<>();

    SessionBudget(int max) {
        this.max = max;
    }

    /** Takes one unit if the budget allows it; never exceeds the cap, not even briefly. */
    boolean tryTake() {
        while (true) {
            int current = used.get();
            if (current >= max) {
                return false;
            }
            if (used.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Gives back one unit (a creation failed, or a session finished closing). */
    void give() {
        if (used.decrementAndGet() < 0) {
            throw new IllegalStateException("session budget released more units than it gave");
        }
    }

    /** Under the partition's lock: remembers that the partition waits for a unit. */
    void markStarved(PartitionState<?> p) {
        if (!p.starved) {
            p.starved = true;
            starved.add(p);
        }
    }

    boolean hasStarved() {
        return !starved.isEmpty();
    }

    /** The next partition waiting for a unit, if a unit is free now; else null. */
    PartitionState<?> nextStarved() {
        return used.get() < max ? starved.poll() : null;
    }

    int used() {
        return used.get();
    }

    int max() {
        return max;
    }
}
