package dev.mcppool.cli;

import dev.mcppool.CircuitOpenException;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolClosedException;
import dev.mcppool.PoolExhaustedException;
import dev.mcppool.StdioCommand;

import io.modelcontextprotocol.spec.McpError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Diagnosis} for stdio servers: the program could not be run, the server exited before answering
 * {@code initialize} (with its last stderr lines), did not answer in time, or answered with an error.
 *
 * <p>The command's arguments and {@code --env} values may be secrets, and the SDK puts the whole command line into
 * the message of a failed start. Every message made here, and every message of a cause chain shown with
 * {@code --verbose}, goes through {@link #redact(String, StdioCommand)} first.
 */
final class StdioDiagnosis {

    /** Arguments and values shorter than this are not hidden: they would hide exit codes and ordinary words. */
    private static final int SHORTEST_HIDDEN = 4;
    private static final String HIDDEN = "<hidden>";
    /** The SDK's message for a process it could not start: {@code Failed to start process with command: [...]}. */
    private static final Pattern SDK_COMMAND_LINE = Pattern.compile("(Failed to start process with command: )\\[.*]",
            Pattern.DOTALL);
    /** The library's description of a failed stdio start, from its {@code StdioStartException}. */
    private static final Pattern LIBRARY_DETAIL = Pattern.compile("the server process '([^']*)' (.*)", Pattern.DOTALL);
    private static final String LIBRARY_START_EXCEPTION = "StdioStartException";
    /** Where the library's and {@link DirectStdioProcess}'s messages begin the server's stderr lines. */
    static final String STDERR_MARKER = "; its last stderr lines:";

    private StdioDiagnosis() {
    }

    static CommandFailure explain(Throwable t, McpTarget target, Duration timeout) {
        StdioCommand command = target.stdio().orElseThrow();
        String name = command.displayName();
        return new CommandFailure(redact(message(t, name, timeout), command), redactedCopy(t, command));
    }

    private static String message(Throwable t, String name, Duration timeout) {
        Optional<String> cannotRun = DirectStdioProcess.cannotRun(t);
        if (cannotRun.isPresent()) {
            return "cannot start stdio server '" + name + "': " + cannotRun.get();
        }
        if (t instanceof DirectSessions.StdioSessionException) {
            return t.getMessage();
        }
        String detail = libraryDetail(t);
        if (detail != null) {
            Matcher m = LIBRARY_DETAIL.matcher(detail);
            if (!m.matches()) {
                return "stdio server '" + name + "': " + detail;
            }
            String state = m.group(2);
            if (state.startsWith("could not be started")) {
                return "cannot start stdio server '" + name + "'" + state.substring("could not be started".length());
            }
            if (state.startsWith("did not answer initialize")) {
                state = "did not answer initialize within " + Diagnosis.seconds(timeout) + " (raise it with --timeout)"
                        + state.substring("did not answer initialize".length());
            }
            return "stdio server '" + name + "' " + state;
        }
        if (t instanceof PoolExhaustedException || t instanceof PoolClosedException) {
            return t.getMessage();
        }
        if (t instanceof CircuitOpenException e) {
            return "stopped trying stdio server '" + name + "' after repeated failures (circuit breaker open;"
                    + " next try in " + Diagnosis.seconds(e.retryAfter()) + ")";
        }
        McpError error = Diagnosis.find(t, McpError.class);
        if (error != null) {
            String text = error.getJsonRpcError() == null ? error.getMessage()
                    : error.getJsonRpcError().message() + " (JSON-RPC " + error.getJsonRpcError().code() + ")";
            return "stdio server '" + name + "' answered with an error: " + text;
        }
        if (Diagnosis.isTimeout(t)) {
            return "stdio server '" + name + "' did not answer within " + Diagnosis.seconds(timeout)
                    + " (raise it with --timeout)";
        }
        return "could not use stdio server '" + name + "': " + firstLine(root(t));
    }

    /** The message of the library's stdio start failure in the cause chain, or null. */
    private static String libraryDetail(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getClass().getSimpleName().equals(LIBRARY_START_EXCEPTION) && c.getMessage() != null) {
                return c.getMessage();
            }
        }
        return null;
    }

    /**
     * The message with the SDK's copy of the command line, and every argument and environment value of at least
     * {@value #SHORTEST_HIDDEN} characters, replaced by {@code <hidden>}. The server's own stderr lines after
     * {@value #STDERR_MARKER} are shown as they are (they are what tells why it failed), except for the SDK's copy
     * of the command line.
     */
    static String redact(String message, StdioCommand command) {
        if (message == null) {
            return null;
        }
        String sdkRedacted = SDK_COMMAND_LINE.matcher(message).replaceAll("$1[" + command.displayName() + " "
                + HIDDEN + "]");
        int stderrAt = sdkRedacted.indexOf(STDERR_MARKER);
        String stderrTail = stderrAt < 0 ? "" : sdkRedacted.substring(stderrAt);
        String redacted = stderrAt < 0 ? sdkRedacted : sdkRedacted.substring(0, stderrAt);
        List<String> secrets = new ArrayList<>(command.args());
        secrets.addAll(command.environment().values());
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        for (String secret : secrets) {
            if (secret.length() >= SHORTEST_HIDDEN) {
                redacted = redacted.replace(secret, HIDDEN);
            }
        }
        return Diagnosis.redact(redacted) + stderrTail;
    }

    /** A copy of the cause chain, for {@code --verbose}, whose messages are {@link #redact redacted}. */
    static Throwable redactedCopy(Throwable t, StdioCommand command) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable c = t; c != null && chain.size() < 30; c = c.getCause() == c ? null : c.getCause()) {
            chain.add(c);
        }
        Throwable copy = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Throwable original = chain.get(i);
            copy = new Redacted(original.getClass().getName(), redact(original.getMessage(), command), copy);
            copy.setStackTrace(original.getStackTrace());
        }
        return copy;
    }

    private static Throwable root(Throwable t) {
        Throwable root = t;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            root = c;
        }
        return root;
    }

    private static String firstLine(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
        if (message.length() > 200) {
            message = message.substring(0, 200) + "...";
        }
        return message.isEmpty() ? t.getClass().getSimpleName() : message;
    }

    /** A redacted stand-in for an exception of the chain: prints as the original type and the redacted message. */
    static final class Redacted extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final String type;

        Redacted(String type, String message, Throwable cause) {
            super(message, cause);
            this.type = type;
        }

        @Override
        public String toString() {
            return getMessage() == null ? type : type + ": " + getMessage();
        }
    }
}
