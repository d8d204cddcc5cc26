package dev.mcppool.internal;

import dev.mcppool.DiscardReason;

import java.util.ArrayList;
import java.util.List;

/**
 * What a partition decided under its lock and the engine carries out once the lock is released: partitions with
 * grants to hand to their waiters, and sessions to close. Keeping both out of the lock keeps I/O and callers'
 * continuations out of it. Allocates nothing until something is added.
 */
final class Outcomes<S> {

    /** Nothing to carry out; shared, so it must never be added to. */
    private static final Outcomes<?> NONE = new Outcomes<>();

    private List<Partition<S>> deliveries;
    private List<PooledEntry<S>> discards;
    private List<DiscardReason> reasons;

    /** The shared empty instance: for a decision that leaves nothing to do, without allocating. */
    @SuppressWarnings("unchecked")
    static <S> Outcomes<S> none() {
        return (Outcomes<S>) NONE;
    }

    /** The partition queued grants for its waiters; they are handed over after the lock. */
    void deliver(Partition<S> partition) {
        if (this == NONE) {
            throw new IllegalStateException("Outcomes.none() is shared and must stay empty");
        }
        if (deliveries == null) {
            deliveries = new ArrayList<>(2);
        }
        deliveries.add(partition);
    }

    /** An entry already moved to {@code CLOSING}; closed after the lock. A null reason closes it quietly. */
    void discard(PooledEntry<S> entry, DiscardReason reason) {
        if (this == NONE) {
            throw new IllegalStateException("Outcomes.none() is shared and must stay empty");
        }
        if (discards == null) {
            discards = new ArrayList<>(2);
            reasons = new ArrayList<>(2);
        }
        discards.add(entry);
        reasons.add(reason);
    }

    int deliveryCount() {
        return deliveries == null ? 0 : deliveries.size();
    }

    Partition<S> delivery(int i) {
        return deliveries.get(i);
    }

    int discardCount() {
        return discards == null ? 0 : discards.size();
    }

    PooledEntry<S> discarded(int i) {
        return discards.get(i);
    }

    DiscardReason reason(int i) {
        return reasons.get(i);
    }
}
