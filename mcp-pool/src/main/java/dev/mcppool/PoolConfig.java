package dev.mcppool;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The pool's configuration: immutable, thread-safe, built by {@link #builder()}. {@link Builder#build()} checks
 * every value at once and reports all problems in one {@link IllegalArgumentException} whose message names each
 * option, its rule and the rejected value, for example {@code maxSessionsPerKey must be positive, but was 0}.
 *
 * <p>The defaults follow the reference pool: 10 sessions per key, TTL 300 s, health check after 60 s idle, acquire
 * and create timeouts 30 s, idle keys evicted after 600 s, request timeout 30 s, health-check timeout 5 s, chain
 * {@code PING, SKIP}. The breaker does not: it opens after 5 counted creation failures for 1 s, doubling (with
 * jitter) on each failed probe up to 30 s, so that a short outage costs about its own length, not a minute
 * (the reference's 60 s turned a 0.5 s restart into 60 s of refusals).
 */
public final class PoolConfig {

    /** Headers whose values decide the identity part of the key unless configured otherwise. */
    public static final Set<String> DEFAULT_IDENTITY_HEADERS =
            Set.of("authorization", "x-tenant-id", "x-user-id", "x-api-key", "cookie");

    private final int maxSessionsPerKey;
    private final int maxTotalSessions;
    private final int maxKeys;
    private final int minIdlePerKey;
    private final Duration sessionTtl;
    private final double ttlJitter;
    private final Duration sessionIdleTimeout;
    private final Duration keyIdleTimeout;
    private final Duration healthCheckInterval;
    private final Duration healthCheckTimeout;
    private final List<HealthCheckMethod> healthCheckMethods;
    private final boolean healthCheckTimeoutFallsThrough;
    private final Duration keepaliveInterval;
    private final Duration acquireTimeout;
    private final Duration createTimeout;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final Duration closeTimeout;
    private final int breakerFailureThreshold;
    private final Duration breakerOpenDuration;
    private final Duration breakerMaxOpenDuration;
    private final Set<String> identityHeaders;
    private final IdentityExtractor identityExtractor;
    private final Consumer<HttpClient.Builder> httpClientCustomizer;
    private final String clientName;
    private final String clientVersion;
    private final Duration housekeepingInterval;
    private final boolean backgroundHousekeeping;
    private final Ticker ticker;
    private final PoolListener listener;
    private final String name;

    private PoolConfig(Builder b) {
        maxSessionsPerKey = b.maxSessionsPerKey;
        maxTotalSessions = b.maxTotalSessions;
        maxKeys = b.maxKeys;
        minIdlePerKey = b.minIdlePerKey;
        sessionTtl = b.sessionTtl;
        ttlJitter = b.ttlJitter;
        sessionIdleTimeout = b.sessionIdleTimeout;
        keyIdleTimeout = b.keyIdleTimeout;
        healthCheckInterval = b.healthCheckInterval;
        healthCheckTimeout = b.healthCheckTimeout;
        healthCheckMethods = List.copyOf(b.healthCheckMethods);
        healthCheckTimeoutFallsThrough = b.healthCheckTimeoutFallsThrough;
        keepaliveInterval = b.keepaliveInterval;
        acquireTimeout = b.acquireTimeout;
        createTimeout = b.createTimeout;
        requestTimeout = b.requestTimeout;
        connectTimeout = b.connectTimeout;
        closeTimeout = b.closeTimeout;
        breakerFailureThreshold = b.breakerFailureThreshold;
        breakerOpenDuration = b.breakerOpenDuration;
        breakerMaxOpenDuration = b.breakerMaxOpenDuration;
        identityHeaders = Set.copyOf(b.identityHeaders);
        identityExtractor = b.identityExtractor;
        httpClientCustomizer = b.httpClientCustomizer;
        clientName = b.clientName;
        clientVersion = b.clientVersion;
        housekeepingInterval = b.housekeepingInterval;
        backgroundHousekeeping = b.backgroundHousekeeping;
        ticker = b.ticker;
        listener = b.listener;
        name = b.name;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default configuration. */
    public static PoolConfig defaults() {
        return builder().build();
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Most sessions per key: leased + idle + being created. */
    public int maxSessionsPerKey() {
        return maxSessionsPerKey;
    }

    /** Most sessions across all keys; a hard bound, also under races. */
    public int maxTotalSessions() {
        return maxTotalSessions;
    }

    /** Most keys held at once. */
    public int maxKeys() {
        return maxKeys;
    }

    /** Idle sessions the housekeeper keeps open per key once the key has been used; 0 disables. */
    public int minIdlePerKey() {
        return minIdlePerKey;
    }

    /** Maximum age of a session: never handed out after it, closed on release. */
    public Duration sessionTtl() {
        return sessionTtl;
    }

    /** Fraction (0 to 0.5) by which each session's TTL is shortened at random, so expiries spread out. */
    public double ttlJitter() {
        return ttlJitter;
    }

    /** An idle session unused this long is closed by the housekeeper. */
    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /** A key with nothing leased and no use for this long is removed and its idle sessions closed. */
    public Duration keyIdleTimeout() {
        return keyIdleTimeout;
    }

    /** A pooled session idle longer than this is health-checked before it is handed out. */
    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    /** Timeout of each health-check step. */
    public Duration healthCheckTimeout() {
        return healthCheckTimeout;
    }

    /** The health-check chain, in order. */
    public List<HealthCheckMethod> healthCheckMethods() {
        return healthCheckMethods;
    }

    /**
     * Whether a health-check step that times out hands over to the next step, as the reference pool does
     * (default false: a step that times out fails the session, because with the default chain {@code PING, SKIP}
     * a dead session would otherwise pass and the next call would wait the whole request timeout). A step the
     * server does not implement ({@code METHOD_NOT_FOUND}) always hands over to the next step.
     */
    public boolean healthCheckTimeoutFallsThrough() {
        return healthCheckTimeoutFallsThrough;
    }

    /** Idle sessions unused this long are pinged in the background; zero disables keepalive. */
    public Duration keepaliveInterval() {
        return keepaliveInterval;
    }

    /** How long an acquire waits when its key has no free session and no room to create one. */
    public Duration acquireTimeout() {
        return acquireTimeout;
    }

    /** How long opening a session (connect + {@code initialize}) may take. */
    public Duration createTimeout() {
        return createTimeout;
    }

    /** The SDK's per-request timeout on pooled sessions. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** TCP connect timeout of the pool's HTTP client. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Deadline for closing one session (its HTTP DELETE), and for closing the whole pool. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /**
     * Consecutive counted session-creation failures for a server URL that open its circuit breaker (default 5).
     * Only failures that say the server is unwell count (refused or reset connections, timeouts, HTTP 5xx, an
     * answer that is not MCP), never ones that belong to one caller (HTTP 4xx including 429, a rejected header,
     * cancellation); and a failure counts only if its attempt started after the previous counted failure, so
     * creations that fail together in one outage count once.
     */
    public int breakerFailureThreshold() {
        return breakerFailureThreshold;
    }

    /** How long an opened breaker stays open before it lets exactly one probe creation through (default 1 s). */
    public Duration breakerOpenDuration() {
        return breakerOpenDuration;
    }

    /** Cap on the open time, which doubles (+-10% jitter) each time a probe fails (default 30 s). */
    public Duration breakerMaxOpenDuration() {
        return breakerMaxOpenDuration;
    }

    /** Lower-case names of the headers that decide the identity part of the key. */
    public Set<String> identityHeaders() {
        return identityHeaders;
    }

    public Optional<IdentityExtractor> identityExtractor() {
        return Optional.ofNullable(identityExtractor);
    }

    public Optional<Consumer<HttpClient.Builder>> httpClientCustomizer() {
        return Optional.ofNullable(httpClientCustomizer);
    }

    /** Client name sent in {@code initialize}. */
    public String clientName() {
        return clientName;
    }

    /** Client version sent in {@code initialize}. */
    public String clientVersion() {
        return clientVersion;
    }

    /** Longest pause between two housekeeping passes. */
    public Duration housekeepingInterval() {
        return housekeepingInterval;
    }

    /** Whether a background thread runs housekeeping; when false, call {@link McpSessionPool#maintain()}. */
    public boolean backgroundHousekeeping() {
        return backgroundHousekeeping;
    }

    public Ticker ticker() {
        return ticker;
    }

    public PoolListener listener() {
        return listener;
    }

    /** The pool's name, if one was set: it prefixes the pool's thread names and tags its metrics. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    @Override
    public String toString() {
        return "PoolConfig[maxSessionsPerKey=" + maxSessionsPerKey + ", maxTotalSessions=" + maxTotalSessions
                + ", maxKeys=" + maxKeys + ", minIdlePerKey=" + minIdlePerKey + ", sessionTtl=" + sessionTtl
                + ", ttlJitter=" + ttlJitter + ", sessionIdleTimeout=" + sessionIdleTimeout + ", keyIdleTimeout="
                + keyIdleTimeout + ", healthCheckInterval=" + healthCheckInterval + ", healthCheckTimeout="
                + healthCheckTimeout + ", healthCheckMethods=" + healthCheckMethods
                + ", healthCheckTimeoutFallsThrough=" + healthCheckTimeoutFallsThrough + ", keepaliveInterval="
                + keepaliveInterval + ", acquireTimeout=" + acquireTimeout + ", createTimeout=" + createTimeout
                + ", requestTimeout=" + requestTimeout + ", connectTimeout=" + connectTimeout + ", closeTimeout="
                + closeTimeout + ", breakerFailureThreshold=" + breakerFailureThreshold + ", breakerOpenDuration="
                + breakerOpenDuration + ", breakerMaxOpenDuration=" + breakerMaxOpenDuration + ", identityHeaders="
                + identityHeaders + "]";
    }

    /**
     * Builds a {@link PoolConfig}. Setters store values as given; {@link #build()} validates them all together.
     * Not thread-safe.
     */
    public static final class Builder {

        private int maxSessionsPerKey = 10;
        private int maxTotalSessions = 1_000;
        private int maxKeys = 10_000;
        private int minIdlePerKey = 0;
        private Duration sessionTtl = Duration.ofSeconds(300);
        private double ttlJitter = 0.1;
        private Duration sessionIdleTimeout = Duration.ofSeconds(600);
        private Duration keyIdleTimeout = Duration.ofSeconds(600);
        private Duration healthCheckInterval = Duration.ofSeconds(60);
        private Duration healthCheckTimeout = Duration.ofSeconds(5);
        private List<HealthCheckMethod> healthCheckMethods = List.of(HealthCheckMethod.PING, HealthCheckMethod.SKIP);
        private boolean healthCheckTimeoutFallsThrough;
        private Duration keepaliveInterval = Duration.ZERO;
        private Duration acquireTimeout = Duration.ofSeconds(30);
        private Duration createTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private int breakerFailureThreshold = 5;
        private Duration breakerOpenDuration = Duration.ofSeconds(1);
        private Duration breakerMaxOpenDuration = Duration.ofSeconds(30);
        private Set<String> identityHeaders = DEFAULT_IDENTITY_HEADERS;
        private IdentityExtractor identityExtractor;
        private Consumer<HttpClient.Builder> httpClientCustomizer;
        private String clientName = "mcp-session-pool";
        private String clientVersion = Version.VERSION;
        private Duration housekeepingInterval = Duration.ofSeconds(5);
        private boolean backgroundHousekeeping = true;
        private Ticker ticker = Ticker.system();
        private PoolListener listener = PoolListener.NOOP;
        private List<String> unknownHealthCheckMethods = List.of();
        private String name;

        private Builder() {
        }

        private Builder(PoolConfig c) {
            maxSessionsPerKey = c.maxSessionsPerKey;
            maxTotalSessions = c.maxTotalSessions;
            maxKeys = c.maxKeys;
            minIdlePerKey = c.minIdlePerKey;
            sessionTtl = c.sessionTtl;
            ttlJitter = c.ttlJitter;
            sessionIdleTimeout = c.sessionIdleTimeout;
            keyIdleTimeout = c.keyIdleTimeout;
            healthCheckInterval = c.healthCheckInterval;
            healthCheckTimeout = c.healthCheckTimeout;
            healthCheckMethods = c.healthCheckMethods;
            healthCheckTimeoutFallsThrough = c.healthCheckTimeoutFallsThrough;
            keepaliveInterval = c.keepaliveInterval;
            acquireTimeout = c.acquireTimeout;
            createTimeout = c.createTimeout;
            requestTimeout = c.requestTimeout;
            connectTimeout = c.connectTimeout;
            closeTimeout = c.closeTimeout;
            breakerFailureThreshold = c.breakerFailureThreshold;
            breakerOpenDuration = c.breakerOpenDuration;
            breakerMaxOpenDuration = c.breakerMaxOpenDuration;
            identityHeaders = c.identityHeaders;
            identityExtractor = c.identityExtractor;
            httpClientCustomizer = c.httpClientCustomizer;
            clientName = c.clientName;
            clientVersion = c.clientVersion;
            housekeepingInterval = c.housekeepingInterval;
            backgroundHousekeeping = c.backgroundHousekeeping;
            ticker = c.ticker;
            listener = c.listener;
            name = c.name;
        }

        public Builder maxSessionsPerKey(int value) {
            maxSessionsPerKey = value;
            return this;
        }

        public Builder maxTotalSessions(int value) {
            maxTotalSessions = value;
            return this;
        }

        public Builder maxKeys(int value) {
            maxKeys = value;
            return this;
        }

        public Builder minIdlePerKey(int value) {
            minIdlePerKey = value;
            return this;
        }

        public Builder sessionTtl(Duration value) {
            sessionTtl = value;
            return this;
        }

        /** Fraction of the TTL, from 0 (off) to 0.5, by which each session's lifetime is shortened at random. */
        public Builder ttlJitter(double value) {
            ttlJitter = value;
            return this;
        }

        public Builder sessionIdleTimeout(Duration value) {
            sessionIdleTimeout = value;
            return this;
        }

        public Builder keyIdleTimeout(Duration value) {
            keyIdleTimeout = value;
            return this;
        }

        public Builder healthCheckInterval(Duration value) {
            healthCheckInterval = value;
            return this;
        }

        /**
         * Lets a health-check step that times out hand over to the next step instead of failing the session
         * (the reference pool's behaviour); default false. See {@link PoolConfig#healthCheckTimeoutFallsThrough()}.
         */
        public Builder healthCheckTimeoutFallsThrough(boolean value) {
            healthCheckTimeoutFallsThrough = value;
            return this;
        }

        public Builder healthCheckTimeout(Duration value) {
            healthCheckTimeout = value;
            return this;
        }

        public Builder healthCheckMethods(HealthCheckMethod... methods) {
            healthCheckMethods = methods == null ? null : java.util.Arrays.asList(methods);
            unknownHealthCheckMethods = List.of();
            return this;
        }

        public Builder healthCheckMethods(List<HealthCheckMethod> methods) {
            healthCheckMethods = methods;
            unknownHealthCheckMethods = List.of();
            return this;
        }

        /**
         * The health-check chain by name, as configuration files give it: {@code ping}, {@code list_tools},
         * {@code list_prompts}, {@code list_resources}, {@code skip} (case-insensitive). Unknown names are
         * reported by {@link #build()}.
         */
        public Builder healthCheckMethodNames(List<String> names) {
            if (names == null) {
                healthCheckMethods = null;
                return this;
            }
            List<HealthCheckMethod> methods = new ArrayList<>();
            List<String> unknown = new ArrayList<>();
            for (String name : names) {
                try {
                    methods.add(HealthCheckMethod.valueOf(String.valueOf(name).strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    unknown.add(String.valueOf(name));
                }
            }
            healthCheckMethods = methods;
            unknownHealthCheckMethods = unknown;
            return this;
        }

        public Builder keepaliveInterval(Duration value) {
            keepaliveInterval = value;
            return this;
        }

        public Builder acquireTimeout(Duration value) {
            acquireTimeout = value;
            return this;
        }

        public Builder createTimeout(Duration value) {
            createTimeout = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder closeTimeout(Duration value) {
            closeTimeout = value;
            return this;
        }

        public Builder breakerFailureThreshold(int value) {
            breakerFailureThreshold = value;
            return this;
        }

        public Builder breakerOpenDuration(Duration value) {
            breakerOpenDuration = value;
            return this;
        }

        public Builder breakerMaxOpenDuration(Duration value) {
            breakerMaxOpenDuration = value;
            return this;
        }

        /** Names (case-insensitive) of the headers whose values decide the identity part of the key. */
        public Builder identityHeaders(Set<String> names) {
            identityHeaders = names;
            return this;
        }

        public Builder identityExtractor(IdentityExtractor extractor) {
            identityExtractor = extractor;
            return this;
        }

        /**
         * Customizes the one {@link HttpClient} all sessions share: TLS ({@code sslContext}), proxy, authenticator.
         * Its executor and connect timeout are set by the pool.
         */
        public Builder httpClientCustomizer(Consumer<HttpClient.Builder> customizer) {
            httpClientCustomizer = customizer;
            return this;
        }

        public Builder clientInfo(String name, String version) {
            clientName = name;
            clientVersion = version;
            return this;
        }

        public Builder housekeepingInterval(Duration value) {
            housekeepingInterval = value;
            return this;
        }

        /** Whether a background thread runs housekeeping (default true); tests turn it off and drive it by hand. */
        public Builder backgroundHousekeeping(boolean value) {
            backgroundHousekeeping = value;
            return this;
        }

        public Builder ticker(Ticker value) {
            ticker = value;
            return this;
        }

        public Builder listener(PoolListener value) {
            listener = value;
            return this;
        }

        /**
         * Names the pool (letters, digits, '.', '_' and '-', at most 64 characters); by default pools are named
         * {@code mcp-pool-N}. Give each pool of a process its own name.
         */
        public Builder name(String value) {
            name = value;
            return this;
        }

        /**
         * Defaults suited to stdio servers, where a new session costs a process start (hundreds of milliseconds to
         * seconds): sessions live an hour, stay idle up to 30 minutes, keys up to an hour, and opening one may take a
         * minute. Other values are left as they are; set them after this call to override.
         */
        public Builder stdioDefaults() {
            sessionTtl = Duration.ofHours(1);
            sessionIdleTimeout = Duration.ofMinutes(30);
            keyIdleTimeout = Duration.ofHours(1);
            createTimeout = Duration.ofMinutes(1);
            return this;
        }

        /** Validates every value and builds the configuration. */
        public PoolConfig build() {
            List<String> problems = new ArrayList<>();
            positive(problems, "maxSessionsPerKey", maxSessionsPerKey);
            positive(problems, "maxTotalSessions", maxTotalSessions);
            positive(problems, "maxKeys", maxKeys);
            if (minIdlePerKey < 0) {
                problems.add("minIdlePerKey must be zero or positive, but was " + minIdlePerKey);
            } else if (minIdlePerKey > maxSessionsPerKey && maxSessionsPerKey > 0) {
                problems.add("minIdlePerKey must be at most maxSessionsPerKey (" + maxSessionsPerKey + "), but was "
                        + minIdlePerKey);
            }
            if (maxSessionsPerKey > maxTotalSessions && maxTotalSessions > 0) {
                problems.add("maxSessionsPerKey must be at most maxTotalSessions (" + maxTotalSessions
                        + "), but was " + maxSessionsPerKey);
            }
            positive(problems, "sessionTtl", sessionTtl);
            if (!(ttlJitter >= 0 && ttlJitter <= 0.5)) {
                problems.add("ttlJitter must be between 0 and 0.5, but was " + ttlJitter);
            }
            positive(problems, "sessionIdleTimeout", sessionIdleTimeout);
            positive(problems, "keyIdleTimeout", keyIdleTimeout);
            notNegative(problems, "healthCheckInterval", healthCheckInterval);
            positive(problems, "healthCheckTimeout", healthCheckTimeout);
            if (healthCheckMethods == null || healthCheckMethods.isEmpty()) {
                problems.add("healthCheckMethods must name at least one method (PING, LIST_TOOLS, LIST_PROMPTS,"
                        + " LIST_RESOURCES, SKIP), but was " + (healthCheckMethods == null ? "null" : "empty"));
            } else if (healthCheckMethods.stream().anyMatch(java.util.Objects::isNull)) {
                problems.add("healthCheckMethods must not contain null, but was " + healthCheckMethods);
            }
            if (!unknownHealthCheckMethods.isEmpty()) {
                problems.add("healthCheckMethods must be among ping, list_tools, list_prompts, list_resources, skip,"
                        + " but had unknown " + unknownHealthCheckMethods);
            }
            notNegative(problems, "keepaliveInterval", keepaliveInterval);
            positive(problems, "acquireTimeout", acquireTimeout);
            positive(problems, "createTimeout", createTimeout);
            positive(problems, "requestTimeout", requestTimeout);
            positive(problems, "connectTimeout", connectTimeout);
            positive(problems, "closeTimeout", closeTimeout);
            positive(problems, "breakerFailureThreshold", breakerFailureThreshold);
            positive(problems, "breakerOpenDuration", breakerOpenDuration);
            positive(problems, "breakerMaxOpenDuration", breakerMaxOpenDuration);
            if (breakerOpenDuration != null && breakerMaxOpenDuration != null
                    && breakerMaxOpenDuration.compareTo(breakerOpenDuration) < 0) {
                problems.add("breakerMaxOpenDuration must be at least breakerOpenDuration (" + breakerOpenDuration
                        + "), but was " + breakerMaxOpenDuration);
            }
            positive(problems, "housekeepingInterval", housekeepingInterval);
            Set<String> normalized = normalizeIdentityHeaders(problems);
            if (clientName == null || clientName.isBlank()) {
                problems.add("clientName must not be blank, but was " + quoted(clientName));
            }
            if (clientVersion == null || clientVersion.isBlank()) {
                problems.add("clientVersion must not be blank, but was " + quoted(clientVersion));
            }
            if (ticker == null) {
                problems.add("ticker must not be null");
            }
            if (listener == null) {
                problems.add("listener must not be null (use PoolListener.NOOP)");
            }
            if (name != null && !name.matches("[A-Za-z0-9._-]{1,64}")) {
                problems.add("name must be 1 to 64 letters, digits, '.', '_' or '-', but was " + quoted(name));
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid pool configuration: " + String.join("; ", problems));
            }
            identityHeaders = normalized;
            return new PoolConfig(this);
        }

        private Set<String> normalizeIdentityHeaders(List<String> problems) {
            if (identityHeaders == null) {
                problems.add("identityHeaders must not be null (use an empty set to key on the user identity only)");
                return Set.of();
            }
            Set<String> normalized = new LinkedHashSet<>();
            for (String name : identityHeaders) {
                if (name == null || name.isBlank()) {
                    problems.add("identityHeaders must not contain null or blank names, but was " + identityHeaders);
                } else {
                    normalized.add(name.strip().toLowerCase(Locale.ROOT));
                }
            }
            return normalized;
        }

        private static void positive(List<String> problems, String name, int value) {
            if (value <= 0) {
                problems.add(name + " must be positive, but was " + value);
            }
        }

        private static void positive(List<String> problems, String name, Duration value) {
            if (value == null) {
                problems.add(name + " must not be null");
            } else if (value.isNegative() || value.isZero()) {
                problems.add(name + " must be positive, but was " + value);
            }
        }

        private static void notNegative(List<String> problems, String name, Duration value) {
            if (value == null) {
                problems.add(name + " must not be null");
            } else if (value.isNegative()) {
                problems.add(name + " must be zero or positive, but was " + value);
            }
        }

        private static String quoted(String s) {
            return s == null ? "null" : "'" + s + "'";
        }
    }
}
