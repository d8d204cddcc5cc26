package dev.mcppool.cli;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.Route;
import dev.mcppool.testing.TestMcpServer;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.util.ArrayList;
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
            "Without --url it starts an embedded MCP server on 127.0.0.1 and a free port, and stops it at the end.",
            "Exits with 1 if any call failed (the report is still printed)."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            description = "The MCP endpoint to measure. Default: an embedded demo server (tools echo, whoami,"
                    + " counter, sleep).")
    String url;

    @Option(names = "--calls", paramLabel = "N", defaultValue = "500",
            description = "Calls per mode. Default: ${DEFAULT-VALUE}.")
    int calls;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
            description = "Threads making calls at once. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--users", paramLabel = "N", defaultValue = "4",
            description = "Distinct callers (user-0, user-1, ..., each with its own Authorization header); call i"
                    + " is made for user i mod N. Default: ${DEFAULT-VALUE}.")
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
        TestMcpServer embedded = url == null ? TestMcpServer.start() : null;
        try {
            McpTarget target = server.target(embedded == null ? url : embeddedUrl(embedded));
            BenchReport report = run(target, embedded != null);
            if (json) {
                report.printJson(spec.commandLine().getOut());
            } else {
                report.printTable(spec.commandLine().getOut());
            }
            spec.commandLine().getOut().flush();
            int failed = report.modes().stream().mapToInt(ModeResult::errors).sum();
            if (failed > 0) {
                spec.commandLine().getErr().println("error: " + failed + " of " + 3 * calls
                        + " measured calls failed (see the report)");
                return ExitCodes.FAILURE;
            }
            return ExitCodes.OK;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private BenchReport run(McpTarget target, boolean embedded) throws InterruptedException {
        List<CallerIdentity> identities = identities();
        CallToolRequest request = Tools.request(tool, arguments.values());
        preflight(target, identities.get(0), request);
        BenchReport.Setup setup = new BenchReport.Setup(target.displayUrl(), server.transport.label(), embedded,
                tool, calls, concurrency, users, warmup);
        boolean showProgress = !json && ProgressBar.isTerminal();
        try (ProgressBar progress = ProgressBar.start(spec.commandLine().getErr(), 3L * (warmup + calls),
                showProgress)) {
            Workload workload = new Workload(concurrency, progress);
            progress.phase("1/3 new session per call");
            ModeResult perCall = newSessionPerCall(workload, target, identities, request);
            settle();
            progress.phase("2/3 pool");
            ModeResult pooled = pooled(workload, target, identities, request);
            settle();
            progress.phase("3/3 one reused session");
            ModeResult single = singleSession(workload, target, identities.get(0), request);
            return new BenchReport(setup, perCall, pooled, single);
        }
    }

    /** (a) What callers do without a pool: the SDK alone, a session of its own for every call. */
    private ModeResult newSessionPerCall(Workload workload, McpTarget target, List<CallerIdentity> identities,
            CallToolRequest request) throws InterruptedException {
        DirectSessions sessions = new DirectSessions(target, server.timeout);
        Workload.Call call = i -> sessions.callOnce(identities.get(i % users), request);
        workload.run(warmup, call);
        Workload.Measurement m = workload.run(calls, call);
        return ModeResult.of("newSessionPerCall", "new session per call", calls, m, calls);
    }

    /** (b) Through the pool: one key per user, at most one session per thread and key. */
    private ModeResult pooled(Workload workload, McpTarget target, List<CallerIdentity> identities,
            CallToolRequest request) throws InterruptedException {
        try (McpSessionPool pool = McpSessionPool.create(server.poolConfig()
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
        McpSyncClient client;
        try {
            client = sessions.open(identity);
        } catch (RuntimeException e) {
            throw Diagnosis.explain(e, target, server.timeout);
        }
        try {
            Workload.Call call = i -> client.callTool(request);
            workload.run(warmup, call);
            Workload.Measurement m = workload.run(calls, call);
            return ModeResult.of("singleSession", "one reused session", calls, m, 1);
        } finally {
            DirectSessions.close(client);
        }
    }

    /**
     * One call through a pool of its own before measuring anything, so that a server that cannot be used (nothing
     * listening, credentials rejected, unknown tool) stops the bench with one clear line instead of three
     * tables of errors.
     */
    private void preflight(McpTarget target, CallerIdentity identity, CallToolRequest request) {
        server.checkListening(target);
        try (McpSessionPool pool = McpSessionPool.create(server.poolConfig().maxSessionsPerKey(1).build())) {
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

    private List<CallerIdentity> identities() {
        List<CallerIdentity> identities = new ArrayList<>(users);
        for (int i = 0; i < users; i++) {
            identities.add(CallerIdentity.of("user-" + i, Map.of("Authorization", "Bearer bench-" + i)));
        }
        return identities;
    }

    private String embeddedUrl(TestMcpServer embedded) {
        return server.transport == TransportOption.STREAMABLE ? embedded.streamableUri().toString()
                : embedded.baseUrl() + TransportOption.SSE.defaultPath();
    }

    private void validate() {
        positive("--calls", calls);
        positive("--concurrency", concurrency);
        positive("--users", users);
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
