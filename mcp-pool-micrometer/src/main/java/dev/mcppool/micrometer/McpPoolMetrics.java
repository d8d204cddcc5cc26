package dev.mcppool.micrometer;

import dev.mcppool.BreakerState;
import dev.mcppool.DiscardReason;
import dev.mcppool.HealthCheckMethod;
import dev.mcppool.HealthCheckOutcome;
import dev.mcppool.McpSessionPool;
import dev.mcppool.PoolKey;
import dev.mcppool.PoolListener;
import dev.mcppool.PoolStats;
import dev.mcppool.Ticker;
import dev.mcppool.Transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopTimer;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the state and events of one {@link McpSessionPool} as Micrometer meters named {@code mcp.pool.*}. It is
 * the pool's {@link PoolListener} (for the event meters) and reads {@link McpSessionPool#stats()} for the gauges:
 *
 * <pre>{@code
 * McpPoolMetrics metrics = new McpPoolMetrics(registry);
 * McpSessionPool pool = McpSessionPool.create(PoolConfig.builder().listener(metrics).build());
 * metrics.bindTo(pool);
 * }</pre>
 *
 * <p><strong>Meters.</strong> Gauges {@code mcp.pool.sessions} (tag {@code state}), {@code mcp.pool.keys},
 * {@code mcp.pool.pending}, {@code mcp.pool.oldest.session.age}; timers {@code mcp.pool.acquire.wait} and
 * {@code mcp.pool.session.creation}; counters {@code mcp.pool.discards}, {@code mcp.pool.health.checks},
 * {@code mcp.pool.breaker.transitions}, {@code mcp.pool.retries}, {@code mcp.pool.acquire.timeouts},
 * {@code mcp.pool.keys.evicted}. Every meter carries {@code pool} (the pool's name) and the extra tags given here;
 * event meters add only bounded tags: {@code server} ({@code host:port} of the server URL, never its path or
 * query), {@code transport}, and the event's enum values in lower case. Nothing derived from a user, a credential or
 * a key hash ever becomes a tag. If {@code server} is still too many values (one host per tenant), drop it with
 * {@code registry.config().meterFilter(MeterFilter.ignoreTags("server"))}.
 *
 * <p><strong>Gauges</strong> read one cached {@link PoolStats} snapshot, refreshed at most once a second, because
 * {@code stats()} briefly locks every key of the pool and a scrape reads several gauges.
 *
 * <p><strong>Thread-safety.</strong> All methods are thread-safe. The listener methods are fast (a map lookup and
 * an increment once a meter exists), never block on the pool and never throw: a meter the registry refuses is
 * logged once and its events are dropped.
 *
 * <p><strong>Lifecycle.</strong> One instance per pool. Bind it right after creating the pool: events that arrive
 * before {@link #bindTo} are not counted. When the bound pool closes ({@link #poolClosed}), every meter this
 * instance registered is removed from the registry and later events are ignored. Do not reuse a
 * {@code PoolConfig} carrying this listener for a second pool: listener events do not say which pool they came
 * from, so the second pool's events would be counted as the first's.
 */
public final class McpPoolMetrics implements PoolListener {

    static final String POOL = "pool";
    static final String SERVER = "server";
    static final String TRANSPORT = "transport";
    static final String STATE = "state";

    /** Tag keys this binding sets itself; extra tags must not reuse them. */
    private static final List<String> RESERVED_TAGS =
            List.of(POOL, SERVER, TRANSPORT, STATE, "hit", "outcome", "reason", "method", "from", "to");
    private static final Duration STATS_MAX_AGE = Duration.ofSeconds(1);
    /** Bounds the URL-to-tag cache; past it the tag is computed per event (still cheap). */
    private static final int SERVER_CACHE_LIMIT = 1024;

    private static final Logger log = LoggerFactory.getLogger(McpPoolMetrics.class);

    private final MeterRegistry registry;
    private final Tags extraTags;
    private final Ticker statsTicker;
    private final long statsMaxAgeNanos;

    private final AtomicReference<Binding> binding = new AtomicReference<>();
    private final ConcurrentHashMap<EventKey, Meter> eventMeters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> servers = new ConcurrentHashMap<>();
    private final Set<Meter> registered = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean registrationFailureLogged = new AtomicBoolean();
    private volatile boolean closed;

    /** The pool this instance is bound to: its name, the tags every meter carries, and the gauges' snapshot. */
    private record Binding(String poolName, Tags tags, StatsCache stats) {
    }

    /** Identifies one event meter; {@code transport}, {@code first} and {@code second} are null where unused. */
    private record EventKey(EventMeter meter, String server, Transport transport, Object first, Object second) {
    }

    /** Metrics for one pool in this registry, tagged with the pool's name. */
    public McpPoolMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Metrics for one pool in this registry, tagged with the pool's name and these extra tags (for example the
     * application or the region).
     *
     * @throws IllegalArgumentException if a tag uses a key this binding sets itself ({@code pool}, {@code server},
     *                                  {@code transport}, {@code state}, {@code hit}, {@code outcome},
     *                                  {@code reason}, {@code method}, {@code from}, {@code to})
     */
    public McpPoolMetrics(MeterRegistry registry, Iterable<Tag> tags) {
        this(registry, tags, Ticker.system(), STATS_MAX_AGE);
    }

    /** For tests: the clock and maximum age of the gauges' stats snapshot. */
    McpPoolMetrics(MeterRegistry registry, Iterable<Tag> tags, Ticker statsTicker, Duration statsMaxAge) {
        if (registry == null) {
            throw new IllegalArgumentException("registry must not be null");
        }
        if (tags == null) {
            throw new IllegalArgumentException("tags must not be null (use Tags.empty())");
        }
        Tags extra = Tags.of(tags);
        for (Tag tag : extra) {
            if (RESERVED_TAGS.contains(tag.getKey())) {
                throw new IllegalArgumentException("tags must not use the key '" + tag.getKey()
                        + "', which McpPoolMetrics sets itself; reserved keys are " + RESERVED_TAGS);
            }
        }
        this.registry = registry;
        this.extraTags = extra;
        this.statsTicker = statsTicker;
        this.statsMaxAgeNanos = statsMaxAge.toNanos();
    }

    /**
     * Starts publishing this pool: registers the gauges now; event meters appear with their first event. The pool
     * must have this instance as its listener (directly or through {@link PoolListener#all}) for the event meters.
     *
     * @return this instance
     * @throws IllegalStateException if this instance is already bound to a pool
     */
    public McpPoolMetrics bindTo(McpSessionPool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null");
        }
        StatsCache stats = new StatsCache(pool::stats, statsTicker, statsMaxAgeNanos);
        Binding b = new Binding(pool.name(), extraTags.and(POOL, pool.name()), stats);
        if (!binding.compareAndSet(null, b)) {
            throw new IllegalStateException("this McpPoolMetrics is already bound to pool "
                    + binding.get().poolName() + "; create one McpPoolMetrics per pool");
        }
        registerGauges(b);
        if (pool.isClosed()) {
            // It closed before or while we bound: its poolClosed event may have come and gone.
            close();
        }
        return this;
    }

    // ------------------------------------------------------------------------------------------------ events

    @Override
    public void sessionCreated(PoolKey key, Duration duration) {
        record(eventMeter(EventMeter.SESSION_CREATION, key, "success", null), duration);
    }

    /** Counted with a zero duration: the pool does not report how long a failed attempt took. */
    @Override
    public void sessionCreationFailed(PoolKey key, Duration duration, Throwable error) {
        record(eventMeter(EventMeter.SESSION_CREATION, key, "failure", null), duration);
    }

    @Override
    public void acquired(PoolKey key, boolean hit, Duration wait) {
        record(eventMeter(EventMeter.ACQUIRE_WAIT, key, hit, null), wait);
    }

    @Override
    public void discarded(PoolKey key, DiscardReason reason) {
        increment(eventMeter(EventMeter.DISCARDS, key, reason, null));
    }

    @Override
    public void healthChecked(PoolKey key, HealthCheckMethod method, HealthCheckOutcome outcome) {
        increment(eventMeter(EventMeter.HEALTH_CHECKS, key, method, outcome));
    }

    @Override
    public void breakerStateChanged(String url, BreakerState from, BreakerState to) {
        increment(meter(new EventKey(EventMeter.BREAKER_TRANSITIONS, server(url), null, from, to)));
    }

    @Override
    public void keyEvicted(PoolKey key) {
        increment(eventMeter(EventMeter.KEYS_EVICTED, key, null, null));
    }

    @Override
    public void acquireTimedOut(PoolKey key, Duration waited) {
        increment(eventMeter(EventMeter.ACQUIRE_TIMEOUTS, key, null, null));
    }

    @Override
    public void retriedAfterStaleSession(PoolKey key) {
        increment(eventMeter(EventMeter.RETRIES, key, null, null));
    }

    /** Removes every meter this instance registered, if {@code poolName} is the bound pool. */
    @Override
    public void poolClosed(String poolName) {
        Binding b = binding.get();
        if (b != null && b.poolName().equals(poolName)) {
            close();
        }
    }

    @Override
    public String toString() {
        Binding b = binding.get();
        return "McpPoolMetrics[" + (b == null ? "unbound" : b.poolName()) + (closed ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------------------------------------ meters

    private Meter eventMeter(EventMeter meter, PoolKey key, Object first, Object second) {
        if (key == null) {
            return null;
        }
        return meter(new EventKey(meter, server(key.url()), key.transport(), first, second));
    }

    /** The meter for this key, registered on first use; null before binding, after closing, or if refused. */
    private Meter meter(EventKey key) {
        Binding b = binding.get();
        if (b == null || closed) {
            return null;
        }
        Meter m = eventMeters.get(key);
        return m != null ? m : eventMeters.computeIfAbsent(key, k -> register(b, k));
    }

    private Meter register(Binding b, EventKey key) {
        EventMeter spec = key.meter();
        Tags tags = b.tags().and(SERVER, key.server());
        if (spec.hasTransport) {
            tags = tags.and(TRANSPORT, tagValue(key.transport()));
        }
        if (!spec.detailTags.isEmpty()) {
            tags = tags.and(spec.detailTags.get(0), tagValue(key.first()));
        }
        if (spec.detailTags.size() > 1) {
            tags = tags.and(spec.detailTags.get(1), tagValue(key.second()));
        }
        boolean timer = spec.kind == EventMeter.Kind.TIMER;
        try {
            return track(timer
                    ? Timer.builder(spec.meterName).description(spec.description).tags(tags).register(registry)
                    : Counter.builder(spec.meterName).description(spec.description).tags(tags).register(registry));
        } catch (RuntimeException e) {
            registrationFailed(spec.meterName, e);
            // Cached, so a refused meter costs one failed registration, not one per event.
            Meter.Id id = new Meter.Id(spec.meterName, tags, null, spec.description,
                    timer ? Meter.Type.TIMER : Meter.Type.COUNTER);
            return timer ? new NoopTimer(id) : new NoopCounter(id);
        }
    }

    private void registerGauges(Binding b) {
        String sessions = "Sessions by state: leased to a caller, idle in the pool, being opened";
        gauge(b, "mcp.pool.sessions", sessions, Tags.of(STATE, "leased"), PoolStats::leased);
        gauge(b, "mcp.pool.sessions", sessions, Tags.of(STATE, "idle"), PoolStats::idle);
        gauge(b, "mcp.pool.sessions", sessions, Tags.of(STATE, "creating"), PoolStats::creating);
        gauge(b, "mcp.pool.keys", "Pool keys held", Tags.empty(), PoolStats::keyCount);
        gauge(b, "mcp.pool.pending", "Callers waiting for a session", Tags.empty(), PoolStats::pendingAcquires);
        try {
            track(TimeGauge.builder("mcp.pool.oldest.session.age", b.stats(), TimeUnit.NANOSECONDS,
                            stats -> read(stats, s -> s.oldestSessionAge().toNanos()))
                    .description("Age of the oldest open session; zero when there is none")
                    .tags(b.tags())
                    .strongReference(true)
                    .register(registry));
        } catch (RuntimeException e) {
            registrationFailed("mcp.pool.oldest.session.age", e);
        }
    }

    private void gauge(Binding b, String name, String description, Tags tags, ToDoubleFunction<PoolStats> value) {
        try {
            track(Gauge.builder(name, b.stats(), stats -> read(stats, value))
                    .description(description)
                    .tags(b.tags().and(tags))
                    .strongReference(true)
                    .register(registry));
        } catch (RuntimeException e) {
            registrationFailed(name, e);
        }
    }

    private static double read(StatsCache stats, ToDoubleFunction<PoolStats> value) {
        PoolStats snapshot = stats.get();
        return snapshot == null ? Double.NaN : value.applyAsDouble(snapshot);
    }

    /** Remembers a registered meter for removal; removes it at once if the pool closed meanwhile. */
    private Meter track(Meter meter) {
        registered.add(meter);
        if (closed) {
            // Runs inside eventMeters.computeIfAbsent: touch the registry only, never eventMeters.
            removeRegistered();
        }
        return meter;
    }

    /** Stops counting and removes every meter registered so far; later registrations remove themselves. */
    private void close() {
        closed = true;
        removeRegistered();
        eventMeters.clear();
        servers.clear();
    }

    private void removeRegistered() {
        for (Meter meter : registered) {
            try {
                registry.remove(meter);
            } catch (RuntimeException e) {
                log.debug("Removing {} from the registry failed", meter.getId(), e);
            }
            registered.remove(meter);
        }
    }

    private void registrationFailed(String name, RuntimeException e) {
        if (registrationFailureLogged.compareAndSet(false, true)) {
            log.warn("The meter registry refused {}; its events are not counted (logged once)", name, e);
        }
    }

    private String server(String url) {
        if (url == null) {
            return ServerTag.UNKNOWN;
        }
        String server = servers.get(url);
        if (server == null) {
            server = ServerTag.of(url);
            if (servers.size() < SERVER_CACHE_LIMIT) {
                servers.putIfAbsent(url, server);
            }
        }
        return server;
    }

    private static String tagValue(Object value) {
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        return String.valueOf(value);
    }

    private static void record(Meter timer, Duration duration) {
        if (timer != null && duration != null) {
            ((Timer) timer).record(duration);
        }
    }

    private static void increment(Meter counter) {
        if (counter != null) {
            ((Counter) counter).increment();
        }
    }
}
