package dev.mcppool.internal;

import java.util.concurrent.CompletableFuture;

/**
 * A caller queued for a key. The first party to complete the future wins: the partition completing it with an
 * entry or {@code CREATE}, or the caller giving up (timeout, interrupt, cancellation, pool close) by completing it
 * exceptionally. A partition whose completion loses takes its grant back, so no grant is lost or held twice.
 */
final class Waiter implements Reservation {

    final CompletableFuture<Reservation> future = new CompletableFuture<>();
}
