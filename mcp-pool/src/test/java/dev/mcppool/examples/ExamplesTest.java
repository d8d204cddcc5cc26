package dev.mcppool.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.McpAsyncSessionPool;
import dev.mcppool.McpSessionPool;
import dev.mcppool.testing.TestMcpServer;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

/** The README's async and virtual-thread examples against the real server. */
class ExamplesTest {

    @Test
    void reactorExampleEchoes() {
        try (TestMcpServer server = TestMcpServer.start();
                McpAsyncSessionPool pool = McpAsyncSessionPool.create()) {
            var example = new ReactorExample(pool, server.streamableUri().toString());
            assertThat(example.echo("alice", "t", "hello").block(Duration.ofSeconds(10))).isEqualTo("hello");
            assertThat(example.echo("alice", "t", "again").block(Duration.ofSeconds(10))).isEqualTo("again");
            assertThat(pool.stats().misses()).isEqualTo(1);
        }
    }

    @Test
    void virtualThreadsExampleCallsForEveryUser() throws Exception {
        ExecutorService threads = virtualThreadsIfAvailable();
        try (TestMcpServer server = TestMcpServer.start(); McpSessionPool pool = McpSessionPool.create()) {
            var results = VirtualThreadsExample.callForEveryUser(pool, server.streamableUri().toString(),
                    List.of("alice", "bob", "carol"), threads);
            assertThat(results).hasSize(3);
            assertThat(pool.stats().keyCount()).isEqualTo(3);
        } finally {
            threads.shutdown();
        }
    }

    private static ExecutorService virtualThreadsIfAvailable() {
        try {
            Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
            return (ExecutorService) factory.invoke(null);
        } catch (ReflectiveOperationException e) {
            return Executors.newFixedThreadPool(3);
        }
    }
}
