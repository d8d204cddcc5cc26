package dev.mcppool.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A one-line progress bar on stderr, redrawn ten times a second by its own thread. A disabled bar (stderr is not a
 * terminal, or the output is JSON) draws nothing and starts no thread. {@link #step()} is cheap and thread-safe.
 */
final class ProgressBar implements AutoCloseable {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final PrintWriter err;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private final Thread painter;
    private volatile String phase = "";
    private volatile boolean running = true;

    private ProgressBar(PrintWriter err, long total, boolean enabled) {
        this.err = err;
        this.total = Math.max(1, total);
        if (enabled) {
            painter = new Thread(this::paintLoop, "mcp-pool-bench-progress");
            painter.setDaemon(true);
            painter.start();
        } else {
            painter = null;
        }
    }

    /** A bar over {@code total} steps, drawn only if {@code enabled}. */
    static ProgressBar start(PrintWriter err, long total, boolean enabled) {
        return new ProgressBar(err, total, enabled);
    }

    /**
     * Whether the command runs in a terminal: {@link System#console()} is null when it does not. From Java 22 on the
     * console exists even when redirected, and {@code Console.isTerminal()} tells.
     */
    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    /** Names what runs now, shown before the bar. */
    void phase(String name) {
        phase = name;
    }

    void step() {
        done.incrementAndGet();
    }

    private void paintLoop() {
        while (running) {
            paint();
            LockSupport.parkNanos(REDRAW_NANOS);
        }
    }

    private void paint() {
        long d = Math.min(done.get(), total);
        int filled = (int) (WIDTH * d / total);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        err.printf("\r%-28s [%s] %3d%%", phase, bar, 100 * d / total);
        err.flush();
    }

    /** Stops the painter and clears the line. */
    @Override
    public void close() {
        running = false;
        if (painter != null) {
            LockSupport.unpark(painter);
            try {
                painter.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // The painter has stopped, so this thread is the only writer now.
            err.print("\r" + " ".repeat(28 + WIDTH + 9) + "\r");
            err.flush();
        }
    }
}
