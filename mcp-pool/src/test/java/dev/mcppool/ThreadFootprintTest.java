package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * Measures threads per open session. The pool's own threads (named after the pool) stay bounded whatever the
 * number of sessions; the SDK's per-transport HTTP client adds one selector thread per open session, which the
 * pool cannot share (see SyncSessionFactory). The numbers are printed for the README and BENCHMARKS.md.
 */
class ThreadFootprintTest extends PoolFixture {

    @Test
    void poolThreadsStayConstantWhileSessionsGrow() {
        var pool = pool(config().maxSessionsPerKey(1).maxTotalSessions(200).build());
        var target = target(Transport.STREAMABLE_HTTP);
        int before = liveThreads();
        int poolThreadsAt10 = 0;
        for (int i = 0; i < 60; i++) {
            pool.call(target, CallerIdentity.user("user-" + i), c -> Tools.echo(c, "x"));
            if (i == 9) {
                poolThreadsAt10 = poolThreads(pool);
            }
        }
        int poolThreadsAt60 = poolThreads(pool);
        int after = liveThreads();
        int cores = Math.max(2, Runtime.getRuntime().availableProcessors());

        System.out.printf("threads: %d sessions open; JVM threads %d -> %d (+%.2f per session);"
                + " pool-named threads %d at 10 sessions, %d at 60 (bound %d)%n",
                pool.stats().idle(), before, after, (after - before) / 60.0, poolThreadsAt10, poolThreadsAt60,
                3 * cores + 1);
        assertThat(pool.stats().idle()).isEqualTo(60);
        assertThat(poolThreadsAt60).isLessThanOrEqualTo(3 * cores + 1);
        assertThat(after - before).isLessThan(60 * 2);
        server.awaitLiveSessions(60, Duration.ofSeconds(10));
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static int poolThreads(McpSessionPool pool) {
        return (int) Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
                .filter(t -> t.getThreadName().startsWith(pool.name() + "-")).count();
    }
}
