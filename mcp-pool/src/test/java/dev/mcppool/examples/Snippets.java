package dev.mcppool.examples;

import java.util.ArrayList;
import java.util.List;

/** Cuts a marked region out of a source file and removes its common indentation, as the README shows it. */
final class Snippets {

    private Snippets() {
    }

    static String region(String source, String name) {
        int begin = source.indexOf("// tag::" + name + "[]");
        int end = source.indexOf("// end::" + name + "[]");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no region " + name);
        }
        List<String> lines = new ArrayList<>(source.substring(source.indexOf('\n', begin) + 1, end).lines().toList());
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append(line.length() >= indent ? line.substring(indent) : line.strip()).append('\n');
        }
        return b.toString();
    }
}
