package dev.mcppool;

import dev.mcppool.testing.WhoAmI;

import io.modelcontextprotocol.spec.McpSchema;

import java.util.Map;

/**
 * A {@link SessionLease} or an {@link AsyncSessionLease} behind one blocking test API; see {@link TestPool}. Calls
 * on an async lease go through {@link AsyncSessionLease#call}, which carries the lease's headers.
 */
public final class TestLease implements AutoCloseable {

    private final SessionLease sync;
    private final AsyncSessionLease async;
    /** Whichever of the two it is, for what both leases offer alike. */
    private final Lease lease;

    TestLease(SessionLease lease) {
        this.sync = lease;
        this.async = null;
        this.lease = lease;
    }

    TestLease(AsyncSessionLease lease) {
        this.sync = null;
        this.async = lease;
        this.lease = lease;
    }

    public McpSchema.CallToolResult callTool(String tool, Map<String, Object> arguments) {
        var request = TestPool.request(tool, arguments);
        return sync != null ? sync.client().callTool(request) : TestPool.await(async.call(c -> c.callTool(request)));
    }

    public String echo(String text) {
        return TestPool.text(callTool("echo", Map.of("text", text)));
    }

    public WhoAmI whoami() {
        return WhoAmI.from(callTool("whoami", Map.of()));
    }

    public int counter() {
        return Integer.parseInt(TestPool.text(callTool("counter", Map.of())).strip());
    }

    /**
     * The SDK's client of the session ({@code McpSyncClient} or {@code McpAsyncClient}), to tell sessions apart.
     *
     * @throws IllegalStateException if the lease is closed
     */
    public Object client() {
        return sync != null ? sync.client() : async.client();
    }

    public PoolKey key() {
        return lease.key();
    }

    public void markBroken() {
        lease.markBroken();
    }

    public void setCallHeaders(Map<String, String> headers) {
        lease.setCallHeaders(headers);
    }

    public boolean isClosed() {
        return lease.isClosed();
    }

    @Override
    public void close() {
        lease.close();
    }

    @Override
    public String toString() {
        return String.valueOf(lease);
    }
}
