/**
 * Test support for MCP clients built on the MCP Java SDK.
 *
 * <ul>
 * <li>{@link dev.mcppool.testing.TestMcpServer}: a real in-process MCP server (Streamable HTTP and
 * legacy SSE on embedded Jetty) with test tools, counters, a record of requests and fault
 * switches;</li>
 * <li>{@link dev.mcppool.testing.ManualClock}: a nanosecond clock that moves only when told to;</li>
 * <li>{@link dev.mcppool.testing.Leaks}: checks that no threads are left behind.</li>
 * </ul>
 */
package dev.mcppool.testing;
