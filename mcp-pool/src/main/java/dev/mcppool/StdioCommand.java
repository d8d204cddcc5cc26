package dev.mcppool;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process of a stdio MCP server: command, arguments, extra environment and working directory. Part of the key
 * (hashed: arguments and environment values can be secrets); never logged beyond the command's file name.
 *
 * @param command          the executable, for example {@code node} or {@code /usr/bin/python3}
 * @param args             its arguments
 * @param environment      variables added to the inherited environment
 * @param workingDirectory the process's working directory, or null for the pool's own
 */
public record StdioCommand(String command, List<String> args, Map<String, String> environment,
        Path workingDirectory) {

    public StdioCommand {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("stdio command must not be null or blank");
        }
        if (args == null || args.stream().anyMatch(a -> a == null)) {
            throw new IllegalArgumentException("stdio args must not be null or contain null");
        }
        if (environment == null) {
            throw new IllegalArgumentException("stdio environment must not be null");
        }
        environment.forEach((name, value) -> {
            if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("stdio environment variable name must be non-empty without '='"
                        + " or NUL, but was '" + name + "'");
            }
            if (value == null || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("stdio environment variable '" + name
                        + "' must have a value without NUL");
            }
        });
        args = List.copyOf(args);
        environment = Map.copyOf(environment);
    }

    public Optional<Path> directory() {
        return Optional.ofNullable(workingDirectory);
    }

    /** The command's file name, the only part shown in logs and messages. */
    public String displayName() {
        String c = command.replace('\\', '/');
        return c.substring(c.lastIndexOf('/') + 1);
    }

    /** Shows the command's file name and the number of arguments and variables; never their values. */
    @Override
    public String toString() {
        return "StdioCommand[" + displayName() + ", " + args.size() + " args, env=" + environment.keySet() + "]";
    }
}
