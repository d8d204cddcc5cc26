package dev.mcppool.micrometer;

import java.util.List;

/**
 * The meters fed by pool events: name, kind, description and the tag keys each carries beside {@code pool} and the
 * user's extra tags. Every meter of one name has the same tag keys, as Prometheus requires.
 */
enum EventMeter {

    ACQUIRE_WAIT(Kind.TIMER, "mcp.pool.acquire.wait",
            "Time from acquire to lease: hit=true served by an idle session (including its health check if due),"
                    + " hit=false including opening a new session",
            true, "hit"),
    SESSION_CREATION(Kind.TIMER, "mcp.pool.session.creation",
            "Sessions opened (connect + initialize); outcome=failure samples carry no duration", true, "outcome"),
    DISCARDS(Kind.COUNTER, "mcp.pool.discards", "Sessions closed instead of reused, by reason", true, "reason"),
    HEALTH_CHECKS(Kind.COUNTER, "mcp.pool.health.checks", "Health-check steps run on pooled sessions", true,
            "method", "outcome"),
    BREAKER_TRANSITIONS(Kind.COUNTER, "mcp.pool.breaker.transitions",
            "Circuit-breaker state changes of a server", false, "from", "to"),
    RETRIES(Kind.COUNTER, "mcp.pool.retries",
            "Calls retried on a fresh session after the server forgot the session", true),
    ACQUIRE_TIMEOUTS(Kind.COUNTER, "mcp.pool.acquire.timeouts",
            "Acquires that gave up waiting for a session", true),
    KEYS_EVICTED(Kind.COUNTER, "mcp.pool.keys.evicted", "Idle pool keys removed", true);

    enum Kind {
        COUNTER,
        TIMER
    }

    final Kind kind;
    final String meterName;
    final String description;
    final boolean hasTransport;
    final List<String> detailTags;

    EventMeter(Kind kind, String meterName, String description, boolean hasTransport, String... detailTags) {
        this.kind = kind;
        this.meterName = meterName;
        this.description = description;
        this.hasTransport = hasTransport;
        this.detailTags = List.of(detailTags);
    }
}
