package dev.mcppool.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs the {@code mcp-pool} command in-process, as {@link Main} would, and captures what it prints. */
final class Cli {

    private Cli() {
    }

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {

        /** stdout parsed as JSON. */
        JsonNode json() {
            return JsonMapper.shared().readTree(out);
        }

        /** stderr's lines, without empty ones. */
        List<String> errLines() {
            return err.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
