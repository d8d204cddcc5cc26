package dev.mcppool.cli;

import dev.mcppool.StdioCommand;

import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;

import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

/**
 * The SDK's stdio client transport for one session of the bench's SDK-only modes, with what a careful caller adds:
 * the last lines the server wrote to stderr (for error messages), and, after {@code closeGracefully}, a wait until
 * the process and every process it started are really gone (SIGKILL for those still alive after a grace period).
 * Messages name the command's file name only: arguments and environment values may be secrets.
 */
final class DirectStdioProcess extends StdioClientTransport {

    private static final int STDERR_LINES = 20;
    private static final int STDERR_LINE_LENGTH = 300;
    /** How the JDK reports a program it could not run: {@code Cannot run program "x": error=2, No such file...}. */
    private static final Pattern CANNOT_RUN = Pattern.compile("Cannot run program .*?error=\\d+, (.*)");

    private final StdioCommand command;
    private final ArrayDeque<String> stderr = new ArrayDeque<>();
    private final List<ProcessHandle> descendants = new ArrayList<>();
    private final AtomicReference<Runnable> onGone = new AtomicReference<>();
    private volatile Throwable startError;

    DirectStdioProcess(StdioCommand command) {
        super(ServerParameters.builder(command.command()).args(command.args()).env(command.environment()).build(),
                McpJsonDefaults.getMapper());
        this.command = command;
        setStdErrorHandler(this::stderrLine);
    }

    /**
     * Starts the process as the SDK does, and watches it: when it cannot be started, or exits, the action given to
     * {@link #whenGone} runs. The SDK itself only logs a failed start and does not notice an exit, so without this
     * a request to a server that is gone waits for its whole timeout.
     */
    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
        return super.connect(handler)
                .doOnError(e -> {
                    startError = e;
                    gone();
                })
                .doOnSuccess(done -> process().ifPresent(p -> p.onExit().thenRun(this::gone)))
                // The SDK's message holds the whole command line, and the SDK logs it: keep the name only.
                .onErrorMap(e -> new IllegalStateException("Failed to start the stdio server process '"
                        + command.displayName() + "'", e.getCause() == null ? e : e.getCause()));
    }

    /** Fails at once when the process could not be started: the SDK would drop the message and wait. */
    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
        Throwable failed = startError;
        if (failed != null) {
            return Mono.error(new IllegalStateException("the stdio server process '" + command.displayName()
                    + "' could not be started", failed.getCause() == null ? failed : failed.getCause()));
        }
        return super.sendMessage(message);
    }

    /**
     * Runs {@code action} once if the process cannot be started or exits; the session closes its client with it,
     * which fails the requests still waiting for an answer at once. {@code null} cancels it (before a planned stop).
     */
    void whenGone(Runnable action) {
        onGone.set(action);
    }

    private void gone() {
        Runnable action = onGone.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }

    /**
     * The server process once started. The SDK keeps it private; stopping it for sure needs it, so it is read
     * reflectively (the SDK is on the class path, not in a named module), as the pool does.
     */
    Optional<Process> process() {
        try {
            Field field = StdioClientTransport.class.getDeclaredField("process");
            field.setAccessible(true);
            return Optional.ofNullable((Process) field.get(this));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Remembers the processes the server started, to stop any that outlive it. Call before closing. */
    void rememberDescendants() {
        process().ifPresent(p -> {
            List<ProcessHandle> now = p.descendants().toList();
            synchronized (descendants) {
                descendants.addAll(now);
            }
        });
    }

    /**
     * Waits until the process has exited, within {@code grace}: SIGTERM if it is still alive, then SIGKILL; then
     * kills every remembered descendant still alive and waits for it too.
     *
     * @return false if something survived SIGKILL (never seen in practice; reported rather than ignored)
     */
    boolean awaitGone(Duration grace) {
        boolean gone = true;
        Optional<Process> found = process();
        if (found.isPresent()) {
            Process process = found.get();
            rememberDescendants();
            long step = Math.max(1, grace.toMillis() / 2);
            if (!exited(process, step)) {
                process.destroy();
                if (!exited(process, step)) {
                    process.destroyForcibly();
                    gone = exited(process, step);
                }
            }
        }
        List<ProcessHandle> children;
        synchronized (descendants) {
            children = List.copyOf(descendants);
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
                try {
                    child.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    gone = false;
                }
            }
        }
        return gone;
    }

    /**
     * Why the session could not be opened, in one line followed by the server's last stderr lines: the program
     * could not be run, exited before answering {@code initialize}, or did not answer it in time.
     */
    String startFailure(Throwable cause, Duration timeout) {
        String name = command.displayName();
        Optional<String> cannotRun = cannotRun(cause).or(() -> cannotRun(startError));
        if (cannotRun.isPresent()) {
            return "cannot start stdio server '" + name + "': " + cannotRun.get();
        }
        Optional<Process> process = process();
        if (process.isEmpty()) {
            return "cannot start stdio server '" + name + "'";
        }
        // The server may be exiting right now (its stdout closed first): give it a moment to have a status.
        boolean exited = exited(process.get(), 500);
        String state = exited ? "exited with status " + process.get().exitValue() + " before answering initialize"
                : "did not answer initialize within " + Diagnosis.seconds(timeout);
        return "stdio server '" + name + "' " + state + stderrSuffix();
    }

    /**
     * A request failed: if the server has exited, a failure saying so with its status and last stderr lines;
     * otherwise {@code failure} itself.
     */
    RuntimeException callFailure(RuntimeException failure) {
        Optional<Process> process = process();
        if (process.isPresent() && exited(process.get(), 500)) {
            return new DirectSessions.StdioSessionException("stdio server '" + command.displayName()
                    + "' exited with status " + process.get().exitValue() + " during the call" + stderrSuffix(),
                    failure);
        }
        return failure;
    }

    /** {@code ; its last stderr lines:} and the lines, indented, or a note that it wrote nothing. */
    String stderrSuffix() {
        List<String> tail;
        synchronized (stderr) {
            tail = List.copyOf(stderr);
        }
        return tail.isEmpty() ? " (it wrote nothing to stderr)"
                : StdioDiagnosis.STDERR_MARKER + System.lineSeparator() + "  "
                        + String.join(System.lineSeparator() + "  ", tail);
    }

    /** The reason the JDK gave for not running the program, such as {@code No such file or directory}. */
    static Optional<String> cannotRun(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException && c.getMessage() != null) {
                Matcher m = CANNOT_RUN.matcher(c.getMessage());
                if (m.find()) {
                    return Optional.of(m.group(1).strip());
                }
                if (c.getMessage().startsWith("Cannot run program")) {
                    return Optional.of("the program could not be run");
                }
            }
        }
        return Optional.empty();
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

    private static boolean exited(Process process, long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    @Override
    public String toString() {
        return "DirectStdioProcess[" + command + "]";
    }
}
