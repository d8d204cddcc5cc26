package dev.mcppool.internal;

import dev.mcppool.StdioCommand;

import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;

import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's stdio client transport for one pooled session, with what the pool needs on top: the working directory,
 * the last lines the process wrote to stderr (for creation errors), and a stop sequence that never leaves an orphan:
 * close stdin (ask), then SIGTERM (tell), then SIGKILL (force) after a grace period, descendants included.
 */
final class StdioProcess extends StdioClientTransport {

    private static final Logger log = LoggerFactory.getLogger(StdioProcess.class);
    private static final int STDERR_LINES = 20;
    private static final int STDERR_LINE_LENGTH = 300;

    private final StdioCommand command;
    private final ArrayDeque<String> stderr = new ArrayDeque<>();

    StdioProcess(StdioCommand command) {
        super(ServerParameters.builder(command.command()).args(command.args()).env(command.environment()).build(),
                McpJsonDefaults.getMapper());
        this.command = command;
        setStdErrorHandler(this::stderrLine);
    }

    @Override
    protected ProcessBuilder getProcessBuilder() {
        ProcessBuilder builder = new ProcessBuilder();
        command.directory().ifPresent(dir -> builder.directory(dir.toFile()));
        return builder;
    }

    private void stderrLine(String line) {
        String kept = line.length() > STDERR_LINE_LENGTH ? line.substring(0, STDERR_LINE_LENGTH) + "..." : line;
        synchronized (stderr) {
            if (stderr.size() == STDERR_LINES) {
                stderr.removeFirst();
            }
            stderr.addLast(kept);
        }
    }

    /** The last lines of the process's stderr, oldest first. */
    List<String> stderrTail() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    /**
     * The server process, once started. The SDK keeps it private; the pool must own its lifecycle, so it is read
     * reflectively (the SDK classes are on the class path, not in a named module).
     */
    Optional<Process> process() {
        try {
            Field field = StdioClientTransport.class.getDeclaredField("process");
            field.setAccessible(true);
            return Optional.ofNullable((Process) field.get(this));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("Cannot reach the stdio server process of {} ({}); it is left to the SDK to stop", command,
                    e.toString());
            return Optional.empty();
        }
    }

    boolean isAlive() {
        return process().map(Process::isAlive).orElse(false);
    }

    /** Why the session could not be opened: exit status if the process died, and its last stderr lines. */
    String failureDetail() {
        Optional<Process> process = process();
        String state;
        if (process.isEmpty()) {
            state = "could not be started";
        } else if (process.get().isAlive()) {
            state = "did not answer initialize";
        } else {
            state = "exited with status " + process.get().exitValue() + " before answering initialize";
        }
        List<String> tail = stderrTail();
        return "the server process '" + command.displayName() + "' " + state
                + (tail.isEmpty() ? " (it wrote nothing to stderr)" : "; its last stderr lines:\n  "
                        + String.join("\n  ", tail));
    }

    /**
     * Stops the process within {@code grace} without blocking: close its stdin and give it a third of the time,
     * SIGTERM and another third, then SIGKILL it and every descendant still alive. The future completes when the
     * process is gone (or survived SIGKILL, which is logged).
     */
    CompletableFuture<Void> stop(Duration grace) {
        Optional<Process> found = process();
        if (found.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Process process = found.get();
        List<ProcessHandle> descendants = process.descendants().toList();
        long step = Math.max(1, grace.toMillis() / 3);
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            log.debug("Closing the stdin of {} failed: {}", command, e.toString());
        }
        return exited(process, step)
                .thenCompose(gone -> gone ? done() : signal(process, Process::destroy, step))
                .thenCompose(gone -> gone ? done() : signal(process, Process::destroyForcibly, step))
                .thenRun(() -> {
                    for (ProcessHandle child : descendants) {
                        if (child.isAlive()) {
                            child.destroyForcibly();
                        }
                    }
                    if (process.isAlive()) {
                        log.warn("The stdio server process {} (pid {}) survived SIGKILL", command, process.pid());
                    }
                });
    }

    private static CompletableFuture<Boolean> done() {
        return CompletableFuture.completedFuture(Boolean.TRUE);
    }

    private static CompletableFuture<Boolean> signal(Process process, java.util.function.Consumer<Process> signal,
            long millis) {
        signal.accept(process);
        return exited(process, millis);
    }

    /** Completes with true when the process exits, or with false after {@code millis}. */
    private static CompletableFuture<Boolean> exited(Process process, long millis) {
        return process.onExit().thenApply(p -> Boolean.TRUE).completeOnTimeout(Boolean.FALSE, millis,
                TimeUnit.MILLISECONDS);
    }

    /** Kills the process and its descendants at once, without waiting. */
    void kill() {
        process().ifPresent(process -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        });
    }

    @Override
    public String toString() {
        return "StdioProcess[" + command + "]";
    }
}
