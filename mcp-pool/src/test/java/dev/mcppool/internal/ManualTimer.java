package dev.mcppool.internal;

import dev.mcppool.testing.ManualClock;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TaskTimer} driven by a {@link ManualClock}: tasks run when the test calls {@link #runDue()} after
 * advancing the clock, on the test's thread. {@link #pending()} tells what is still scheduled.
 */
final class ManualTimer implements TaskTimer {

    private record Task(long dueAt, Runnable task, boolean[] cancelled) {
    }

    private final ManualClock clock;
    private final List<Task> tasks = new ArrayList<>();

    ManualTimer(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        boolean[] cancelled = {false};
        tasks.add(new Task(clock.nanoTime() + delayNanos, task, cancelled));
        return () -> {
            synchronized (ManualTimer.this) {
                cancelled[0] = true;
            }
        };
    }

    /** Runs every task due at the clock's current time; returns how many ran. */
    int runDue() {
        List<Runnable> due = new ArrayList<>();
        synchronized (this) {
            long now = clock.nanoTime();
            tasks.removeIf(t -> {
                if (t.cancelled()[0]) {
                    return true;
                }
                if (now - t.dueAt() >= 0) {
                    due.add(t.task());
                    return true;
                }
                return false;
            });
        }
        due.forEach(Runnable::run);
        return due.size();
    }

    synchronized int pending() {
        tasks.removeIf(t -> t.cancelled()[0]);
        return tasks.size();
    }
}
