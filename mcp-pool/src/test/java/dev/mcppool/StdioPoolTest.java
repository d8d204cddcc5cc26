package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.StdioTestServer;

import io.modelcontextprotocol.client.McpSyncClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Pooling stdio servers: real server processes, started and stopped by the pool. */
class StdioPoolTest {

    private static final CallerIdentity ALICE = CallerIdentity.user("alice");
    private final List<McpSessionPool> pools = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    /** The test server of mcp-pool-testing, as a child JVM on this test's class path. */
    private static McpTarget javaServer(String... options) {
        List<String> args = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"),
                StdioTestServer.class.getName()));
        args.addAll(List.of(options));
        String java = ProcessHandle.current().info().command().orElse("java");
        return McpTarget.stdio(new StdioCommand(java, args, Map.of("POOL_TEST_SECRET", "s3cret"), null));
    }

    private McpSessionPool pool(PoolConfig.Builder config) {
        var pool = McpSessionPool.create(config.stdioDefaults().backgroundHousekeeping(false)
                .createTimeout(Duration.ofSeconds(30)).closeTimeout(Duration.ofSeconds(3)).build());
        pools.add(pool);
        return pool;
    }

    private static String call(McpSyncClient client, String tool, Map<String, Object> args) {
        return Tools.text(client.callTool(Tools.request(tool, args)));
    }

    private long pid(McpSessionPool pool, McpTarget target) {
        long pid = Long.parseLong(pool.call(target, ALICE, c -> call(c, "pid", Map.of())));
        pids.add(pid);
        return pid;
    }

    @AfterEach
    void noOrphans() {
        pools.forEach(McpSessionPool::close);
        for (long pid : pids) {
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        }
        for (McpSessionPool pool : pools) {
            Leaks.awaitNoThreads(pool.name() + "-", Duration.ofSeconds(10));
        }
        assertThat(childServers()).isEmpty();
    }

    private static List<ProcessHandle> childServers() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains("StdioTestServer")
                        || p.info().commandLine().orElse("").contains("server-everything"))
                .toList();
    }

    @Test
    void reusesOneServerProcessAcrossCalls() {
        var pool = pool(PoolConfig.builder());
        var target = javaServer();
        long first = pid(pool, target);
        long second = pid(pool, target);
        assertThat(second).isEqualTo(first);
        assertThat((String) pool.call(target, ALICE, c -> call(c, "counter", Map.of()))).isEqualTo("1");
        assertThat((String) pool.call(target, ALICE, c -> call(c, "counter", Map.of()))).isEqualTo("2");
        assertThat((String) pool.call(target, ALICE, c -> call(c, "env", Map.of("name", "POOL_TEST_SECRET"))))
                .isEqualTo("s3cret");
        assertThat(pool.stats().misses()).isEqualTo(1);
        assertThat(pool.stats().keys().get(0).key().url()).startsWith("stdio:java#").doesNotContain("s3cret");
    }

    @Test
    void aProcessThatDiedBetweenCallsIsReplaced() {
        var pool = pool(PoolConfig.builder());
        var target = javaServer();
        long first = pid(pool, target);
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        Awaitility.await().until(() -> ProcessHandle.of(first).map(p -> !p.isAlive()).orElse(true));

        long second = pid(pool, target);
        assertThat(second).isNotEqualTo(first);
        assertThat(pool.stats().misses()).isEqualTo(2);
    }

    @Test
    void aProcessThatCrashesMidCallIsDiscardedNotReused() {
        var pool = pool(PoolConfig.builder().requestTimeout(Duration.ofSeconds(20)));
        var target = javaServer();
        long first = pid(pool, target);
        assertThatThrownBy(() -> pool.call(target, ALICE, c -> call(c, "crash", Map.of())))
                .isInstanceOf(RuntimeException.class);
        long second = pid(pool, target);
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void aServerThatNeverStartsGivesItsStderrAndLeavesNoProcess() {
        var pool = pool(PoolConfig.builder());
        assertThatThrownBy(() -> pool.acquire(javaServer("--fail-on-start", "fatal: no config file at /etc/x.conf"),
                ALICE))
                .isInstanceOf(SessionCreationException.class)
                .hasMessageContaining("exited with status 1")
                .hasMessageContaining("fatal: no config file at /etc/x.conf")
                .hasMessageNotContaining("s3cret");
        assertThat(childServers()).isEmpty();
        assertThat(pool.stats().creating()).isZero();
    }

    @Test
    void aServerThatHangsBeforeInitializeIsKilledAtTheCreateTimeout() {
        var pool = McpSessionPool.create(PoolConfig.builder().backgroundHousekeeping(false)
                .createTimeout(Duration.ofSeconds(3)).closeTimeout(Duration.ofSeconds(3)).build());
        pools.add(pool);
        assertThatThrownBy(() -> pool.acquire(javaServer("--hang-on-start"), ALICE))
                .isInstanceOf(SessionCreationException.class)
                .hasMessageContaining("did not answer initialize")
                .hasMessageContaining("hanging before initialize");
        assertThat(childServers()).isEmpty();
    }

    @Test
    void closeStopsEveryServerProcess() throws Exception {
        var pool = pool(PoolConfig.builder().maxSessionsPerKey(3));
        var target = javaServer();
        List<SessionLease> leases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            leases.add(pool.acquire(target, ALICE));
        }
        for (SessionLease lease : leases) {
            pids.add(Long.parseLong(call(lease.client(), "pid", Map.of())));
        }
        leases.get(0).close();
        assertThat(pids).doesNotHaveDuplicates().hasSize(3);
        pool.close();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d", pid).isFalse();
        }
        leases.forEach(SessionLease::close);
    }

    @Test
    void theNpmReferenceServerInStdioMode() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("interop/package.json"))) {
            root = root.getParent();
        }
        assertThat(root).as("project root with interop/package.json").isNotNull();
        Path server = root.resolve("interop/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        assertThat(server).as("the npm reference server; run: npm ci --prefix interop").exists();
        var pool = pool(PoolConfig.builder());
        var target = McpTarget.stdio("node", server.toString(), "stdio");
        for (int i = 0; i < 3; i++) {
            String message = "hi " + i;
            String text = pool.call(target, ALICE, c -> Tools.text(c.callTool(
                    Tools.request("echo", Map.of("message", message)))));
            assertThat(text).contains(message);
        }
        assertThat(pool.stats().misses()).isEqualTo(1);
    }
}
