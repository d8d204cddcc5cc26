package dev.mcppool.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Arrays;

import picocli.CommandLine;

/**
 * Entry point of the {@code mcp-pool} command. {@link #commandLine} builds the command with its error handling, so
 * tests can run it in-process against their own output streams.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        configureLogging(args);
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, charset), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, charset), true);
        int exitCode = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(exitCode);
    }

    /**
     * The {@code mcp-pool} command writing its results to {@code out} and its progress and errors to {@code err}.
     * {@code execute(args)} returns the exit code: {@value ExitCodes#OK} on success, {@value ExitCodes#FAILURE}
     * when the server or the call failed, {@value ExitCodes#USAGE} for invalid options.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new McpPoolCommand());
        ErrorReporter reporter = new ErrorReporter();
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler(reporter);
        commandLine.setParameterExceptionHandler(reporter);
        return commandLine;
    }

    /**
     * The SDK logs failures that this command already reports in one line, so logging is off unless
     * {@code --verbose} is given. slf4j-simple reads its level once, when the first logger is made, so this must
     * run before any pool or SDK class is loaded.
     */
    private static void configureLogging(String[] args) {
        String level = Arrays.asList(args).contains("--verbose") ? "debug" : "off";
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        }
    }
}
