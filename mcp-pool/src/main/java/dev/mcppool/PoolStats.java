package dev.mcppool;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of the pool's counters and state. Counters are cumulative since the pool started. Keys appear as
 * {@link PoolKey}s, which hold hashes only, so a snapshot is safe to log or expose.
 *
 * @param hits                 acquires served by an idle pooled session
 * @param misses               acquires that opened a new session
 * @param evictions            sessions closed because they expired (TTL) or failed a health check
 * @param healthCheckFailures  health-check chains that failed
 * @param breakerTrips         times a circuit breaker opened
 * @param keysEvicted          idle keys removed
 * @param sessionsReaped       idle sessions closed by the housekeeper
 * @param anonymousIdentities  keys derived for callers with no user and no identity headers
 * @param staleRetries         calls retried on a fresh session after the server forgot the old one
 * @param creationFailures     session creations that failed
 * @param acquireTimeouts      acquires that timed out waiting
 * @param keyCount             keys currently held
 * @param leased               sessions currently leased
 * @param idle                 sessions currently idle in the pool
 * @param creating             sessions currently being opened
 * @param pendingAcquires      callers currently waiting for a session
 * @param oldestSessionAge     age of the oldest open session, zero when there is none
 * @param keys                 per-key counts
 * @param breakers             breaker state per server URL (only URLs that have seen failures)
 */
public record PoolStats(
        long hits,
        long misses,
        long evictions,
        long healthCheckFailures,
        long breakerTrips,
        long keysEvicted,
        long sessionsReaped,
        long anonymousIdentities,
        long staleRetries,
        long creationFailures,
        long acquireTimeouts,
        int keyCount,
        int leased,
        int idle,
        int creating,
        int pendingAcquires,
        Duration oldestSessionAge,
        List<KeyStats> keys,
        Map<String, BreakerStats> breakers) {

    /** Share of acquires served from the pool: hits / (hits + misses), 0 when there were none. */
    public double hitRate() {
        long total = hits + misses;
        return total == 0 ? 0.0 : (double) hits / total;
    }

    /** Sessions open or being opened: leased + idle + creating. */
    public int totalSessions() {
        return leased + idle + creating;
    }

    /** Counts of one key. */
    public record KeyStats(PoolKey key, int leased, int idle, int creating, int waiting, int max) {
    }

    /** State of the breaker of one server URL. */
    public record BreakerStats(BreakerState state, int consecutiveFailures, Duration retryAfter) {
    }
}
