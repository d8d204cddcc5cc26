package dev.mcppool.benchmarks.harness;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with defaults; unknown options are rejected. */
final class Args {

    private final Map<String, String> values = new HashMap<>();
    private final Map<String, String> used = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("options are --name value pairs, but got '" + args[i] + "'");
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    String string(String name, String fallback) {
        String value = values.getOrDefault(name, fallback);
        used.put(name, value);
        return value;
    }

    int integer(String name, int fallback) {
        return Integer.parseInt(string(name, Integer.toString(fallback)));
    }

    /** Fails on options nobody asked for (typos), and prints the settings of the run. */
    void done(String harness) {
        for (String name : values.keySet()) {
            if (!used.containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "; known: " + used.keySet());
            }
        }
        System.out.println("# " + harness + " " + new java.util.TreeMap<>(used) + " on Java "
                + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
    }
}
