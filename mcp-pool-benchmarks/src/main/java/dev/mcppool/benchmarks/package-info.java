/**
 * Benchmarks of the MCP session pool: JMH benchmarks of the engine in {@code jmh} (in-process, with a fake session
 * factory) and timed harness mains in {@code harness} (end to end against a real MCP server over loopback). Nothing
 * here runs during the build; {@code BENCHMARKS.md} at the repository root says how to run each and what was
 * measured.
 */
package dev.mcppool.benchmarks;
