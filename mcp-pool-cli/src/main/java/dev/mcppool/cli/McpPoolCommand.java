package dev.mcppool.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code mcp-pool} command: holds the subcommands and the options they all share. */
@Command(name = "mcp-pool",
        mixinStandardHelpOptions = true,
        versionProvider = McpPoolCommand.Version.class,
        description = "Measure and use a pool of MCP client sessions.",
        subcommands = {BenchCommand.class, CallCommand.class, HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the server could not be used, the call failed or the tool reported an error",
            "2:invalid command line (option, URL, header or --args JSON)"})
final class McpPoolCommand implements Runnable {

    /** Read by {@link ErrorReporter} from the parse result; declared here so every subcommand accepts it. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show stack traces of errors and the library's debug log on stderr.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command: bench or call");
    }

    /** The version from the jar's manifest; "development" when run from classes. */
    static String version() {
        String version = McpPoolCommand.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mcp-pool " + version()};
        }
    }
}
