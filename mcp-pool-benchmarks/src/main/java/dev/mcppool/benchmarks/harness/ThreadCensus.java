package dev.mcppool.benchmarks.harness;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Live platform threads of this JVM by kind: the pool's own (named after the pool), the JDK HTTP clients' selector
 * threads (one per {@code HttpClient}) and default worker threads, unnamed threads, Reactor's, and the rest. Virtual threads are not counted (the JDK does not
 * list them), which is what we want: they are not OS threads.
 */
final class ThreadCensus {

    private static final Pattern SELECTOR = Pattern.compile("HttpClient-\\d+-SelectorManager");
    private static final Pattern WORKER = Pattern.compile("HttpClient-\\d+-Worker-\\d+");
    private static final Pattern UNNAMED = Pattern.compile("Thread-\\d+");

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
        if (WORKER.matcher(name).matches()) {
            return "httpWorker";
        }
        if (UNNAMED.matcher(name).matches()) {
            // On a machine whose common pool has parallelism 1 (2 CPUs), CompletableFuture's default async
            // executor starts a new thread per task; the JDK HTTP client uses it to complete every sendAsync.
            return "unnamed";
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

    /** Live platform threads by name, digits replaced by '#', for telling what the "other" threads are. */
    static Map<String, Integer> byName() {
        Map<String, Integer> names = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        return names;
    }

    static int count(Map<String, Integer> census, String kind) {
        return census.getOrDefault(kind, 0);
    }
}
