package dev.mcppool.spring;

import dev.mcppool.McpSessionPool;

/**
 * Receives the auto-configured pool right after it is created, before any other bean can use it: for bindings
 * that must see the pool's first event, such as its Micrometer meters. Beans of this type are called in
 * {@code @Order}. Must not call the pool's servers.
 */
@FunctionalInterface
public interface McpPoolBinder {

    void bindTo(McpSessionPool pool);
}
