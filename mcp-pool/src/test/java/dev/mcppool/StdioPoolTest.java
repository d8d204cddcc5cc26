package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.StdioTestServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Pooling stdio servers through both doors: real server processes, started and stopped by the pool. */
class StdioPoolTest {

    private static final CallerIdentity ALICE = CallerIdentity.user("alice");
    private final List<TestPool> pools = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    /** The test server of mcp-pool-testing, as a child JVM on this test's class path. */
    private static McpTarget javaServer(String... options) {
        List<String> args = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"),
                StdioTestServer.class.getName()));
        args.addAll(List.of(options));
        String java = ProcessHandle.current().info().command().orElse("java");
        return McpTarget.stdio(new StdioCommand(java, args, Map.of("POOL_TEST_SECRET", "s3cret"), null));
    }

    private TestPool pool(Door door, PoolConfig.Builder config) {
        return register(TestPool.create(door, config.stdioDefaults().backgroundHousekeeping(false)
                .createTimeout(Duration.ofSeconds(30)).closeTimeout(Duration.ofSeconds(3)).build()));
    }

    private TestPool register(TestPool pool) {
        pools.add(pool);
        return pool;
    }

    private static String call(TestPool pool, McpTarget target, String tool, Map<String, Object> args) {
        return TestPool.text(pool.call(target, ALICE, tool, args));
    }

    private long pid(TestPool pool, McpTarget target) {
        long pid = Long.parseLong(call(pool, target, "pid", Map.of()));
        pids.add(pid);
        return pid;
    }

    @AfterEach
    void noOrphans() {
        AssertionError first = null;
        for (TestPool pool : pools) {
            try {
                pool.closeAndCheck();
            } catch (AssertionError e) {
                pool.close();
                first = first == null ? e : first;
            }
        }
        for (long pid : pids) {
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        }
        for (TestPool pool : pools) {
            Leaks.awaitNoThreads(pool.name() + "-", Duration.ofSeconds(10));
        }
        assertThat(childServers()).isEmpty();
        if (first != null) {
            throw first;
        }
    }

    private static List<ProcessHandle> childServers() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("StdioTestServer")
                        || p.info().commandLine().orElse("").contains("server-everything"))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void reusesOneServerProcessAcrossCalls(Door door) {
        var pool = pool(door, PoolConfig.builder());
        var target = javaServer();
        long first = pid(pool, target);
        long second = pid(pool, target);
        assertThat(second).isEqualTo(first);
        assertThat(call(pool, target, "counter", Map.of())).isEqualTo("1");
        assertThat(call(pool, target, "counter", Map.of())).isEqualTo("2");
        assertThat(call(pool, target, "env", Map.of("name", "POOL_TEST_SECRET")))
                .isEqualTo("s3cret");
        assertThat(pool.stats().misses()).isEqualTo(1);
        assertThat(pool.stats().keys().get(0).key().url()).startsWith("stdio:java#").doesNotContain("s3cret");
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void aProcessThatDiedBetweenCallsIsReplaced(Door door) {
        var pool = pool(door, PoolConfig.builder());
        var target = javaServer();
        long first = pid(pool, target);
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        Awaitility.await().until(() -> ProcessHandle.of(first).map(p -> !p.isAlive()).orElse(true));

        long second = pid(pool, target);
        assertThat(second).isNotEqualTo(first);
        assertThat(pool.stats().misses()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void aProcessThatCrashesMidCallIsDiscardedNotReused(Door door) {
        var pool = pool(door, PoolConfig.builder().requestTimeout(Duration.ofSeconds(20)));
        var target = javaServer();
        long first = pid(pool, target);
        assertThatThrownBy(() -> call(pool, target, "crash", Map.of()))
                .isInstanceOf(RuntimeException.class);
        long second = pid(pool, target);
        assertThat(second).isNotEqualTo(first);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void aServerThatNeverStartsGivesItsStderrAndLeavesNoProcess(Door door) {
        var pool = pool(door, PoolConfig.builder());
        assertThatThrownBy(() -> pool.acquire(javaServer("--fail-on-start", "fatal: no config file at /etc/x.conf"),
                ALICE))
                .isInstanceOf(SessionCreationException.class)
                .hasMessageContaining("exited with status 1")
                .hasMessageContaining("fatal: no config file at /etc/x.conf")
                .hasMessageNotContaining("s3cret");
        assertThat(childServers()).isEmpty();
        assertThat(pool.stats().creating()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void aServerThatHangsBeforeInitializeIsKilledAtTheCreateTimeout(Door door) {
        var pool = register(TestPool.create(door, PoolConfig.builder().backgroundHousekeeping(false)
                .createTimeout(Duration.ofSeconds(3)).closeTimeout(Duration.ofSeconds(3)).build()));
        assertThatThrownBy(() -> pool.acquire(javaServer("--hang-on-start"), ALICE))
                .isInstanceOf(SessionCreationException.class)
                .hasMessageContaining("did not answer initialize")
                .hasMessageContaining("hanging before initialize");
        assertThat(childServers()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void closeStopsEveryServerProcess(Door door) throws Exception {
        var pool = pool(door, PoolConfig.builder().maxSessionsPerKey(3));
        var target = javaServer();
        List<TestLease> leases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            leases.add(pool.acquire(target, ALICE));
        }
        for (TestLease lease : leases) {
            pids.add(Long.parseLong(TestPool.text(lease.callTool("pid", Map.of()))));
        }
        leases.get(0).close();
        assertThat(pids).doesNotHaveDuplicates().hasSize(3);
        pool.close();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d", pid).isFalse();
        }
        leases.forEach(TestLease::close);
    }

    @ParameterizedTest
    @EnumSource(Door.class)
    void theNpmReferenceServerInStdioMode(Door door) {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("interop/package.json"))) {
            root = root.getParent();
        }
        assertThat(root).as("project root with interop/package.json").isNotNull();
        Path server = root.resolve("interop/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        assertThat(server).as("the npm reference server; run: npm ci --prefix interop").exists();
        var pool = pool(door, PoolConfig.builder());
        var target = McpTarget.stdio("node", server.toString(), "stdio");
        for (int i = 0; i < 3; i++) {
            String message = "hi " + i;
            String text = call(pool, target, "echo", Map.of("message", message));
            assertThat(text).contains(message);
        }
        assertThat(pool.stats().misses()).isEqualTo(1);
    }
}
