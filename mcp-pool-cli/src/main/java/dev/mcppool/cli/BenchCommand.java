package dev.mcppool.cli;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.Route;
import dev.mcppool.StdioCommand;
import dev.mcppool.Transport;
import dev.mcppool.testing.TestMcpServer;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mcp-pool bench}: the same workload three ways — a new session per call (the SDK alone, what callers do
 * without a pool), through the pool, and on one reused session (the floor) — printed as a table or JSON.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs the same workload three ways and compares them: a new session per call (what callers do without"
                    + " a pool: build a client, initialize, call, close), through the pool, and on one reused"
                    + " session (the floor).",
            "Without --url or --stdio it starts an embedded MCP server on 127.0.0.1 and a free port, and stops it at"
                    + " the end.",
            "With --stdio, each session is a server process of its own: a new session per call starts (and stops) a"
                    + " process for every call, the pool keeps at most --users x --concurrency processes, the reused"
                    + " session one. Only the command's file name is shown (stdio:<name>), never its arguments or"
                    + " --env values.",
            "Exits with 1 if any call failed (the report is still printed)."})
final class BenchCommand implements Callable<Integer> {

    /** Calls of the new-session-per-call mode for a stdio server when --new-session-calls is not given. */
    static final int STDIO_NEW_SESSION_CALLS = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            description = "The MCP endpoint to measure. Default: an embedded demo server (tools echo, whoami,"
                    + " counter, sleep).")
    String url;

    @Option(names = "--stdio", paramLabel = "COMMAND_LINE",
            description = {"A stdio MCP server to measure instead of --url: the command line as one string, for"
                    + " example --stdio \"node server.js stdio\". It is split into words as a shell splits a simple"
                    + " command: spaces separate words; '...' keeps its text as is; \"...\" too, except \\\" and"
                    + " \\\\; outside quotes a backslash escapes the next character. Nothing is expanded ($VAR,"
                    + " ~, *) and no shell runs (|, >, ; are plain characters). The server inherits this"
                    + " environment, plus --env. --timeout limits starting it and its initialize."})
    String stdio;

    @Option(names = "--env", paramLabel = "NAME=VALUE", converter = EnvOption.Converter.class,
            description = "An environment variable for the --stdio server, added to the inherited ones."
                    + " Repeatable. Values are never printed.")
    List<EnvOption> env = new ArrayList<>();

    @Option(names = "--calls", paramLabel = "N", defaultValue = "500",
            description = "Calls per mode. Default: ${DEFAULT-VALUE}.")
    int calls;

    @Option(names = "--new-session-calls", paramLabel = "N",
            description = "Calls measured in the new-session-per-call mode, whose every call opens a session (with"
                    + " --stdio: starts a process, 0.3-1 s each). Its warm-up is scaled alike: --warmup x N / --calls,"
                    + " rounded up, at most N. Default: --calls; with --stdio, " + STDIO_NEW_SESSION_CALLS
                    + " (or --calls if fewer).")
    Integer newSessionCalls;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
            description = "Threads making calls at once. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--users", paramLabel = "N", defaultValue = "4",
            description = "Distinct callers (user-0, user-1, ..., each with its own Authorization header, or with"
                    + " --stdio its own server processes in the pool); call i is made for user i mod N. Default:"
                    + " ${DEFAULT-VALUE}.")
    int users;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "200",
            description = "Calls per mode before measuring, not counted. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--tool", paramLabel = "NAME", defaultValue = "echo",
            description = "The tool to call. Default: ${DEFAULT-VALUE}.")
    String tool;

    @Option(names = "--args", paramLabel = "JSON", defaultValue = "{\"text\":\"hello\"}",
            converter = ToolArguments.Converter.class,
            description = "The tool's arguments as a JSON object. Default: ${DEFAULT-VALUE}.")
    ToolArguments arguments;

    @Option(names = "--json", description = "Print the result as JSON on stdout (and no progress bar).")
    boolean json;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() throws InterruptedException {
        validate();
        McpTarget stdioTarget = stdio == null ? null : stdioTarget();
        TestMcpServer embedded = url == null && stdioTarget == null ? TestMcpServer.start() : null;
        Thread orphanGuard = stdioTarget == null ? null : OrphanGuard.install();
        try {
            McpTarget target = stdioTarget != null ? stdioTarget
                    : server.target(embedded == null ? url : embeddedUrl(embedded));
            BenchReport report = run(target, embedded != null);
            if (json) {
                report.printJson(spec.commandLine().getOut());
            } else {
                report.printTable(spec.commandLine().getOut());
            }
            spec.commandLine().getOut().flush();
            int failed = report.modes().stream().mapToInt(ModeResult::errors).sum();
            if (failed > 0) {
                long measured = report.modes().stream().mapToLong(ModeResult::calls).sum();
                spec.commandLine().getErr().println("error: " + failed + " of " + measured
                        + " measured calls failed (see the report)");
                return ExitCodes.FAILURE;
            }
            return ExitCodes.OK;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            OrphanGuard.remove(orphanGuard);
        }
    }

    private BenchReport run(McpTarget target, boolean embedded) throws InterruptedException {
        boolean isStdio = target.transport() == Transport.STDIO;
        List<CallerIdentity> identities = identities(isStdio);
        CallToolRequest request = Tools.request(tool, arguments.values());
        preflight(target, identities.get(0), request);
        int newCalls = newSessionCalls(isStdio);
        int newWarmup = newSessionWarmup(newCalls);
        BenchReport.Setup setup = new BenchReport.Setup(target.displayUrl(),
                isStdio ? "stdio" : server.transport.label(), embedded, tool, calls, concurrency, users, warmup,
                newCalls, newWarmup);
        boolean showProgress = !json && ProgressBar.isTerminal();
        try (ProgressBar progress = ProgressBar.start(spec.commandLine().getErr(),
                2L * (warmup + calls) + newWarmup + newCalls, showProgress)) {
            StdioCommand command = target.stdio().orElse(null);
            Workload workload = new Workload(concurrency, progress, command == null ? Diagnosis::redact
                    : message -> StdioDiagnosis.redact(message, command), stuckAfter());
            progress.phase("1/3 new session per call");
            ModeResult perCall = newSessionPerCall(workload, target, identities, request, newCalls, newWarmup);
            settle();
            progress.phase("2/3 pool");
            ModeResult pooled = pooled(workload, target, identities, request);
            settle();
            progress.phase("3/3 one reused session");
            ModeResult single = singleSession(workload, target, identities.get(0), request);
            return new BenchReport(setup, perCall, pooled, single);
        }
    }

    /**
     * (a) What callers do without a pool: the SDK alone, a session of its own for every call. For a stdio server
     * that is a process started and stopped per call; sessions counts the processes started while measuring.
     */
    private ModeResult newSessionPerCall(Workload workload, McpTarget target, List<CallerIdentity> identities,
            CallToolRequest request, int newCalls, int newWarmup) throws InterruptedException {
        DirectSessions sessions = new DirectSessions(target, server.timeout);
        Workload.Call call = i -> sessions.callOnce(identities.get(i % users), request);
        workload.run(newWarmup, call);
        long startedBefore = sessions.processesStarted();
        Workload.Measurement m = workload.run(newCalls, call);
        long created = target.transport() == Transport.STDIO ? sessions.processesStarted() - startedBefore
                : newCalls;
        return ModeResult.of("newSessionPerCall", "new session per call", newCalls, m, created);
    }

    /** (b) Through the pool: one key per user, at most one session per thread and key. */
    private ModeResult pooled(Workload workload, McpTarget target, List<CallerIdentity> identities,
            CallToolRequest request) throws InterruptedException {
        try (McpSessionPool pool = McpSessionPool.create(server.poolConfig(target)
                .maxSessionsPerKey(concurrency)
                .maxTotalSessions(Math.max(1_000, users * concurrency))
                .build())) {
            List<Route> routes = identities.stream().map(identity -> pool.route(target, identity)).toList();
            Workload.Call call = i -> pool.call(routes.get(i % users), client -> client.callTool(request));
            workload.run(warmup, call);
            Workload.Measurement m = workload.run(calls, call);
            return ModeResult.of("pool", "pool", calls, m, pool.stats().misses());
        }
    }

    /** (c) The floor: one session, opened once and shared by every thread, with no isolation between users. */
    private ModeResult singleSession(Workload workload, McpTarget target, CallerIdentity identity,
            CallToolRequest request) throws InterruptedException {
        DirectSessions sessions = new DirectSessions(target, server.timeout);
        DirectSessions.Session session;
        try {
            session = sessions.open(identity);
        } catch (RuntimeException e) {
            throw Diagnosis.explain(e, target, server.timeout);
        }
        try (session) {
            McpSyncClient client = session.client();
            Workload.Call call = i -> client.callTool(request);
            workload.run(warmup, call);
            Workload.Measurement m = workload.run(calls, call);
            return ModeResult.of("singleSession", "one reused session", calls, m, 1);
        }
    }

    /**
     * One call through a pool of its own before measuring anything, so that a server that cannot be used (nothing
     * listening, credentials rejected, unknown tool) stops the bench with one clear line instead of three
     * tables of errors.
     */
    private void preflight(McpTarget target, CallerIdentity identity, CallToolRequest request) {
        server.checkListening(target);
        if (target.transport() == Transport.STDIO) {
            // One call on a server started with the SDK first: it reports a command that cannot run, or a server
            // that exits at start or during the call, at once and with the reason, where the pool would only time
            // out (the SDK does not tell it). An unknown tool is left to the pool's check below, which names the
            // tools there are.
            try (DirectSessions.Session session = new DirectSessions(target, server.timeout).open(identity)) {
                session.call(request);
            } catch (RuntimeException e) {
                if (!Tools.mayBeUnknownTool(e)) {
                    throw Diagnosis.explain(e, target, server.timeout);
                }
            }
        }
        try (McpSessionPool pool = McpSessionPool.create(server.poolConfig(target).maxSessionsPerKey(1).build())) {
            CallToolResult result = Tools.call(pool, pool.route(target, identity), request, server.timeout);
            if (Tools.isError(result)) {
                throw new CommandFailure("tool '" + tool + "' reported an error: "
                        + Diagnosis.redact(Tools.firstText(result)), null);
            }
        }
    }

    /**
     * Every session of the first mode built its own HTTP client, whose threads live until the client is collected;
     * collecting them now keeps them from running during the next mode's measurement.
     */
    private static void settle() {
        System.gc();
    }

    /**
     * One identity per user. Over HTTP each sends its own Authorization header; a stdio server has no headers, so
     * there the user alone keeps the callers apart (the pool gives each its own server processes).
     */
    private List<CallerIdentity> identities(boolean isStdio) {
        List<CallerIdentity> identities = new ArrayList<>(users);
        for (int i = 0; i < users; i++) {
            identities.add(isStdio ? CallerIdentity.user("user-" + i)
                    : CallerIdentity.of("user-" + i, Map.of("Authorization", "Bearer bench-" + i)));
        }
        return identities;
    }

    /**
     * How long one call may run before the bench gives it up: a new session per call may wait --timeout to open,
     * --timeout for the call and up to 10 s for the SDK's closeGracefully (15 s more for a stdio server to exit),
     * so three times --timeout and 30 s is more than any call that the SDK's timeouts still govern.
     */
    private Duration stuckAfter() {
        return server.timeout.multipliedBy(3).plusSeconds(30);
    }

    /** --new-session-calls, or its default: --calls, and for a stdio server at most {@value #STDIO_NEW_SESSION_CALLS}. */
    private int newSessionCalls(boolean isStdio) {
        if (newSessionCalls != null) {
            return newSessionCalls;
        }
        return isStdio ? Math.min(calls, STDIO_NEW_SESSION_CALLS) : calls;
    }

    /** The warm-up scaled like the calls: ceil(--warmup x newCalls / --calls), at most newCalls. */
    private int newSessionWarmup(int newCalls) {
        long scaled = ((long) warmup * newCalls + calls - 1) / calls;
        return (int) Math.min(scaled, newCalls);
    }

    /** The --stdio command line with the --env variables. */
    private McpTarget stdioTarget() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvOption variable : env) {
            if (environment.put(variable.name(), variable.value()) != null) {
                throw new ParameterException(spec.commandLine(), "--env " + variable.name() + " is given twice");
            }
        }
        try {
            return McpTarget.stdio(StdioCommandLine.parse(stdio, environment));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid --stdio: " + e.getMessage());
        }
    }

    private String embeddedUrl(TestMcpServer embedded) {
        return server.transport == TransportOption.STREAMABLE ? embedded.streamableUri().toString()
                : embedded.baseUrl() + TransportOption.SSE.defaultPath();
    }

    private void validate() {
        positive("--calls", calls);
        positive("--concurrency", concurrency);
        positive("--users", users);
        if (newSessionCalls != null) {
            positive("--new-session-calls", newSessionCalls);
        }
        if (stdio != null) {
            if (url != null) {
                throw new ParameterException(spec.commandLine(), "--url and --stdio cannot be used together");
            }
            if (spec.commandLine().getParseResult().hasMatchedOption("--transport")) {
                throw new ParameterException(spec.commandLine(),
                        "--transport is for --url; a --stdio server always speaks stdio");
            }
            if (!server.headers.isEmpty()) {
                throw new ParameterException(spec.commandLine(),
                        "--header is for --url; give a --stdio server its settings with --env NAME=VALUE");
            }
        } else if (!env.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--env is for --stdio servers only");
        }
        if (warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup must be zero or positive, but was " + warmup);
        }
    }

    private void positive(String option, int value) {
        if (value <= 0) {
            throw new ParameterException(spec.commandLine(), option + " must be positive, but was " + value);
        }
    }
}
