package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs the pool through its logging paths with secrets in headers, the URL's query string and the user name, and
 * checks that no log event of the pool (message, arguments or stack trace) contains any of them.
 */
class LogSecrecyTest extends PoolFixture {

    private static final String TOKEN = "tok-9f8e7d6c5b4a";
    private static final String API_KEY = "key-1a2b3c4d5e6f";
    private static final String QUERY_SECRET = "qs-0a9b8c7d6e5f";
    private static final String USER = "alice.secret.user@example.com";

    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void capture() {
        events.start();
        root.addAppender(events);
    }

    @AfterEach
    void release() {
        root.detachAppender(events);
    }

    @Test
    void noSecretReachesTheLogs() {
        IdentityExtractor failing = headers -> {
            throw new IllegalStateException("cannot parse " + headers.get("authorization"));
        };
        var pool = pool(config().identityExtractor(failing).breakerFailureThreshold(1)
                .healthCheckInterval(Duration.ZERO).createTimeout(Duration.ofSeconds(3)).build());
        var target = McpTarget.streamableHttp(server.streamableUri() + "?api_key=" + QUERY_SECRET)
                .withHeader("X-Api-Key", API_KEY);
        var caller = CallerIdentity.of(USER, Map.of("Authorization", "Bearer " + TOKEN));

        pool.call(target, caller, c -> Tools.echo(c, "hello"));
        pool.call(target, caller, c -> Tools.echo(c, "again"));
        server.rejectWhen(r -> r.header("authorization") != null, 401);
        assertThatThrownBy(() -> pool.acquire(target, CallerIdentity.of("bob", Map.of("Authorization",
                "Bearer " + TOKEN + "-bob")))).isInstanceOf(SessionCreationException.class);
        server.clearFaults();
        server.failInitialize(500);
        assertThatThrownBy(() -> pool.acquire(target, CallerIdentity.of("carol", Map.of("Authorization",
                "Bearer " + TOKEN + "-carol")))).isInstanceOf(SessionCreationException.class);
        assertThatThrownBy(() -> pool.acquire(target, CallerIdentity.of("dave", Map.of("Authorization",
                "Bearer " + TOKEN + "-dave")))).isInstanceOf(CircuitOpenException.class);
        server.clearInitializeFault();
        pool.drain();
        pool.close();

        root.detachAppender(events);
        List<ILoggingEvent> captured;
        synchronized (events) {
            captured = List.copyOf(events.list);
        }
        List<String> ours = captured.stream().filter(e -> e.getLoggerName().startsWith("dev.mcppool"))
                .map(LogSecrecyTest::render).toList();
        assertThat(ours).as("the pool logged something").isNotEmpty();
        assertThat(ours).allSatisfy(line -> assertThat(line).doesNotContain(TOKEN, API_KEY, QUERY_SECRET, USER));
        List<String> all = captured.stream().map(LogSecrecyTest::render).toList();
        List<String> leaking = captured.stream()
                .filter(e -> render(e).contains(TOKEN) || render(e).contains(API_KEY))
                .map(e -> e.getLoggerName() + "@" + e.getLevel()).distinct().toList();
        System.out.printf("log events: %d from the pool, %d in all; other loggers that printed a secret: %s%n",
                ours.size(), all.size(), leaking);
    }

    private static String render(ILoggingEvent event) {
        String thrown = Optional.ofNullable(event.getThrowableProxy()).map(ThrowableProxyUtil::asString).orElse("");
        return event.getLoggerName() + " " + event.getFormattedMessage() + " " + thrown;
    }
}
