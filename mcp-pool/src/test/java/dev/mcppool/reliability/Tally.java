package dev.mcppool.reliability;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts what callers saw, by kind: exception type, first line of its message (ports, keys, durations and ids
 * replaced by placeholders, so equal failures count together) and the root cause's type. Thread-safe.
 */
final class Tally {

    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    void add(Throwable t) {
        counts.computeIfAbsent(describe(t), k -> new AtomicInteger()).incrementAndGet();
    }

    int total() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    Map<String, Integer> snapshot() {
        Map<String, Integer> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    boolean onlyKinds(String... substrings) {
        return counts.keySet().stream().allMatch(k -> {
            for (String s : substrings) {
                if (k.contains(s)) {
                    return true;
                }
            }
            return false;
        });
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
        if (root != t) {
            text += " <- " + root.getClass().getSimpleName();
        }
        return normalize(text);
    }

    static String normalize(String text) {
        return text.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")
                .replaceAll("PoolKey\\[[^\\]]*\\]", "<key>")
                .replaceAll("\\d+ ms", "N ms")
                .replaceAll("mcp-pool-\\d+", "mcp-pool-N")
                .replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>")
                .replaceAll("id: \\d+", "id: N")
                .replaceAll("\\b\\d{1,3}_\\d+\\b", "N");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.lines().findFirst().orElse("");
        return line.length() > 220 ? line.substring(0, 220) + "..." : line;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
