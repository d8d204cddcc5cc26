package dev.mcppool.internal;

import dev.mcppool.Transport;

/**
 * What {@code call} does after a failed request, decided once for both front doors.
 *
 * <ul>
 *   <li>The server forgot the session (HTTP 404, or 400 from servers that answer so, for the session id we sent):
 *       it rejected the request without running it, so the request is retried once. On Streamable HTTP the SDK
 *       re-initializes the same client in place and the retry joins that; elsewhere the retry takes a new session.
 *       A second such failure discards the session as stale.</li>
 *   <li>A JSON-RPC error answer from the server: the session is fine and kept; the error goes to the caller.</li>
 *   <li>Anything else (dropped connection, timeout, protocol breakage): the request may have run, and tools have
 *       effects, so nothing is retried; the session is in doubt and discarded.</li>
 * </ul>
 */
public enum CallPolicy {

    /** Give the error to the caller and keep the session. */
    KEEP,
    /** Retry once on the same session (the SDK re-initializes it). */
    RETRY_SAME_SESSION,
    /** Retry once on another session; this one is discarded as stale. */
    RETRY_NEW_SESSION,
    /** Give the error to the caller and discard the session as stale. */
    DISCARD_STALE,
    /** Give the error to the caller and discard the session as broken. */
    DISCARD_BROKEN;

    /** The step after {@code error}; {@code retried} tells whether this was already the retry. */
    public static CallPolicy afterFailure(Throwable error, Transport transport, boolean retried) {
        if (Failures.isSessionNotFound(error)) {
            if (retried) {
                return DISCARD_STALE;
            }
            return transport == Transport.STREAMABLE_HTTP ? RETRY_SAME_SESSION : RETRY_NEW_SESSION;
        }
        return Failures.isServerAnswer(error) ? KEEP : DISCARD_BROKEN;
    }

    public boolean retries() {
        return this == RETRY_SAME_SESSION || this == RETRY_NEW_SESSION;
    }
}
