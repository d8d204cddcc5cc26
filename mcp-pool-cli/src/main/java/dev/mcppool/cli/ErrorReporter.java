package dev.mcppool.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Prints every failure as one line, {@code error: <what went wrong>}, on stderr and picks the exit code. Stack
 * traces appear only with {@code --verbose}. Messages come from {@link Diagnosis} or picocli and never hold header
 * values or URL query strings.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        CommandFailure failure = ex instanceof CommandFailure f ? f
                : new CommandFailure(Diagnosis.redact(String.valueOf(ex.getMessage())), ex);
        PrintWriter err = commandLine.getErr();
        err.println("error: " + failure.getMessage());
        if (verbose(parseResult)) {
            (failure.getCause() == null ? failure : failure.getCause()).printStackTrace(err);
        }
        err.flush();
        return failure.exitCode();
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine commandLine = ex.getCommandLine();
        PrintWriter err = commandLine.getErr();
        StringBuilder line = new StringBuilder("error: ");
        if (ex instanceof UnmatchedArgumentException && mayHoldStdioSecrets(args)) {
            // Likely the rest of an unquoted --stdio command line, whose arguments may be secrets: not echoed.
            line.append("unexpected arguments (not shown); give the whole server command line as one quoted"
                    + " string: --stdio \"COMMAND ARGS...\"");
        } else {
            line.append(ex.getMessage());
        }
        if (ex instanceof UnmatchedArgumentException unmatched && !mayHoldStdioSecrets(args)) {
            List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                line.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
            }
        }
        line.append(" (see '").append(commandLine.getCommandSpec().qualifiedName()).append(" --help')");
        err.println(line);
        if (Arrays.asList(args).contains("--verbose") && ex.getCause() != null) {
            ex.getCause().printStackTrace(err);
        }
        err.flush();
        return ExitCodes.USAGE;
    }

    private static boolean mayHoldStdioSecrets(String[] args) {
        return Arrays.stream(args).anyMatch(a -> a.equals("--stdio") || a.startsWith("--stdio=")
                || a.equals("--env") || a.startsWith("--env="));
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
