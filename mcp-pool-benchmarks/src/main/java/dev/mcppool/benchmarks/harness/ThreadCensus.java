package dev.mcppool.benchmarks.harness;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Live platform threads of this JVM by kind: the pool's own (named after the pool), the JDK HTTP clients' selector
 * threads (one per {@code HttpClient}), Reactor's, and the rest. Virtual threads are not counted (the JDK does not
 * list them), which is what we want: they are not OS threads.
 */
final class ThreadCensus {

    private static final Pattern SELECTOR = Pattern.compile("HttpClient-\\d+-SelectorManager");

    private ThreadCensus() {
    }

    static Map<String, Integer> take(String poolName) {
        Map<String, Integer> kinds = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            kinds.merge(kind(t.getName(), poolName), 1, Integer::sum);
        }
        kinds.put("total", kinds.values().stream().mapToInt(Integer::intValue).sum());
        return kinds;
    }

    private static String kind(String name, String poolName) {
        if (poolName != null && name.startsWith(poolName + "-")) {
            return "pool";
        }
        if (SELECTOR.matcher(name).matches()) {
            return "httpSelector";
        }
        if (name.startsWith("boundedElastic-") || name.startsWith("parallel-") || name.startsWith("single-")) {
            return "reactor";
        }
        if (name.startsWith("ForkJoinPool")) {
            return "forkJoin";
        }
        if (name.startsWith("caller-")) {
            return "callers";
        }
        return "other";
    }

    static int count(Map<String, Integer> census, String kind) {
        return census.getOrDefault(kind, 0);
    }
}
