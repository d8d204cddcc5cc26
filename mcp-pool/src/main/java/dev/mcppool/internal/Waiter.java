package dev.mcppool.internal;

import java.util.concurrent.CompletableFuture;

/**
 * A caller queued for a key. The first party to complete the future wins: the dispatcher completing it with a
 * grant, or the caller giving up (timeout, interrupt, cancellation, pool close) by completing it exceptionally. A
 * dispatcher whose completion loses gives the grant back, so no grant is ever lost or held twice.
 */
final class Waiter {

    final CompletableFuture<Grant> future = new CompletableFuture<>();
}
