package dev.mcppool.cli;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.Route;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import java.io.PrintWriter;
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
 * {@code mcp-pool call}: one tool call (or the tool list) through the pool, printed as JSON on stdout. Errors go to
 * stderr as one line; see {@link ErrorReporter}.
 */
@Command(name = "call", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Calls one tool on an MCP server through the pool and prints the result as JSON.",
            "With --list, prints the server's tools (name and description) instead.",
            "Exits with 1 if the call fails or the tool reports an error (the result is still printed)."})
final class CallCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "The server's MCP endpoint, for example http://localhost:3001/mcp (or .../sse with"
                    + " --transport sse).")
    String url;

    @Option(names = "--tool", paramLabel = "NAME", description = "The tool to call.")
    String tool;

    @Option(names = "--args", paramLabel = "JSON", defaultValue = "{}", converter = ToolArguments.Converter.class,
            description = "The tool's arguments as a JSON object, for example '{\"text\":\"hello\"}'."
                    + " Default: ${DEFAULT-VALUE}.")
    ToolArguments arguments;

    @Option(names = "--list", description = "List the server's tools instead of calling one.")
    boolean list;

    @Mixin
    ServerOptions server;

    @Override
    public Integer call() {
        if (list == (tool != null)) {
            throw new ParameterException(spec.commandLine(), list ? "give either --list or --tool, not both"
                    : "missing --tool NAME (or --list to see the tools)");
        }
        McpTarget target = server.target(url);
        server.checkListening(target);
        try (McpSessionPool pool = McpSessionPool.create(server.poolConfig().maxSessionsPerKey(1).build())) {
            Route route = pool.route(target, CallerIdentity.anonymous());
            return list ? printTools(pool, route) : callTool(pool, route);
        }
    }

    private int printTools(McpSessionPool pool, Route route) {
        List<Tool> tools;
        try {
            tools = Tools.list(pool, route);
        } catch (RuntimeException e) {
            throw Diagnosis.explain(e, route.target(), server.timeout);
        }
        List<Map<String, Object>> json = tools.stream().map(CallCommand::summary).toList();
        out().println(Json.pretty(json));
        return ExitCodes.OK;
    }

    private int callTool(McpSessionPool pool, Route route) {
        CallToolResult result = Tools.call(pool, route, Tools.request(tool, arguments.values()), server.timeout);
        out().println(Json.pretty(result));
        if (Tools.isError(result)) {
            spec.commandLine().getErr().println("error: tool '" + tool + "' reported an error: "
                    + Diagnosis.redact(Tools.firstText(result)));
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }

    private static Map<String, Object> summary(Tool tool) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", tool.name());
        map.put("description", tool.description());
        return map;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
