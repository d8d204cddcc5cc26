package dev.mcppool.benchmarks.harness;

import dev.mcppool.testing.TestMcpServer;

import java.io.IOException;

/**
 * Runs a {@link TestMcpServer} in a process of its own, so that the client-side numbers (heap, threads, GC) of the
 * harnesses are not mixed with the server's. Prints {@code PORT <n>} when it listens and stops when its standard
 * input closes, so it never outlives the harness that started it.
 */
public final class ServerMain {

    private ServerMain() {
    }

    public static void main(String[] args) throws IOException {
        try (TestMcpServer server = TestMcpServer.start()) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to go away
            }
        }
    }
}
