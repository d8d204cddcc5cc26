/**
 * The pool's implementation: the engine, partitions, circuit breakers, session factories and transports behind
 * {@code dev.mcppool}.
 *
 * <p><b>Not an API.</b> The module {@code dev.mcppool} does not export (or open) this package; its classes are
 * public only so that {@code dev.mcppool} can use them. On the class path nothing stops code from reaching them,
 * but they may change or disappear in any release, patch releases included, without notice or deprecation. Use
 * the types of {@code dev.mcppool} instead.
 */
package dev.mcppool.internal;
