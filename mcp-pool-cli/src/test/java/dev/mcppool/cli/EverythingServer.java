package dev.mcppool.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The npm reference server {@code @modelcontextprotocol/server-everything}, pinned in {@code interop/package.json},
 * run as a child process on 127.0.0.1 and a free port. It is installed by {@code npm ci --prefix interop}; a test
 * run without it fails and says so, rather than skipping, so CI cannot pass without the interop tests.
 *
 * <p>System properties override where things are: {@code mcp.interop.server} (the server's {@code dist/index.js})
 * and {@code mcp.interop.node} (the node executable, default {@code node} on the PATH).
 */
final class EverythingServer implements AutoCloseable {

    static final String PACKAGE = "@modelcontextprotocol/server-everything";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String mode;
    private final int port;
    private final Process process;
    private final Path log;

    private EverythingServer(String mode, int port, Process process, Path log) {
        this.mode = mode;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the server in one of its HTTP modes and waits until its port accepts connections.
     *
     * @param mode {@code streamableHttp} (endpoint {@code /mcp}) or {@code sse} (endpoint {@code /sse})
     */
    static EverythingServer start(String mode) throws IOException {
        return start(mode, freePort());
    }

    /** Starts a new server process in the same mode on the same port, as a restart would: every session is lost. */
    EverythingServer restart() throws IOException, InterruptedException {
        close();
        return start(mode, port);
    }

    private static EverythingServer start(String mode, int port) throws IOException {
        Path root = projectRoot();
        Path script = Path.of(System.getProperty("mcp.interop.server",
                root.resolve("interop/node_modules/" + PACKAGE + "/dist/index.js").toString()));
        if (!Files.isRegularFile(script)) {
            fail("The npm reference server " + PACKAGE + " is not installed (no " + script + "). Run"
                    + " `npm ci --prefix interop` in " + root + " before the Maven build.");
        }
        Path preload = root.resolve("interop/listen-on-loopback.cjs");
        Path log = Files.createDirectories(Path.of("target", "interop")).resolve("everything-" + mode + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(System.getProperty("mcp.interop.node", "node"),
                "--require", preload.toString(), script.toString(), mode))
                .directory(root.resolve("interop").toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // A small environment: the server has a tool (get-env) that returns all of it.
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        env.put("PORT", Integer.toString(port));
        // Not read by this version (it listens on every interface); the preload binds 127.0.0.1 instead.
        env.put("HOST", "127.0.0.1");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("Could not run node for the interop tests (" + e.getMessage() + "); install"
                    + " Node.js 18 or later, or set -Dmcp.interop.node=/path/to/node", e);
        }
        EverythingServer server = new EverythingServer(mode, port, process, log);
        server.awaitListening();
        return server;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The MCP endpoint of the mode: {@code /mcp} for Streamable HTTP, {@code /sse} for SSE. */
    String endpoint() {
        return baseUrl() + (mode.equals("sse") ? "/sse" : "/mcp");
    }

    /** Stops the process: SIGTERM, then a forced kill after a grace period. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertThat(process.isAlive()).as("the %s server process has exited", mode).isFalse();
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                fail("The " + mode + " server exited with code " + process.exitValue() + " before listening on port "
                        + port + "; its output:\n" + output());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() - deadline >= 0) {
                    process.destroyForcibly();
                    fail("The " + mode + " server did not listen on port " + port + " within " + START_TIMEOUT
                            + "; its output:\n" + output());
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
    }

    private String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(could not read " + log + ": " + e + ")";
        }
    }

    /** The directory above the working directory that holds {@code interop/package.json}. */
    private static Path projectRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("interop/package.json"))) {
                return dir;
            }
        }
        throw new AssertionError("No interop/package.json in " + start + " or any directory above it");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
