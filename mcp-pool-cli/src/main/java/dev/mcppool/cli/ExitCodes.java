package dev.mcppool.cli;

/** The exit codes of the {@code mcp-pool} command. */
final class ExitCodes {

    /** The command did what was asked. */
    static final int OK = 0;

    /** The server could not be reached or used, a call failed, or a tool reported an error. */
    static final int FAILURE = 1;

    /** The command line was invalid: unknown option, bad URL, bad JSON in {@code --args}. */
    static final int USAGE = 2;

    private ExitCodes() {
    }
}
