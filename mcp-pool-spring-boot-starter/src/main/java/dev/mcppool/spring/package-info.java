/**
 * Spring Boot auto-configuration of an MCP session pool ({@code mcp.pool.*}), and Spring AI tool callbacks that call
 * the configured MCP servers through the pool under the identity of the current caller.
 */
@NullMarked
package dev.mcppool.spring;

import org.jspecify.annotations.NullMarked;
