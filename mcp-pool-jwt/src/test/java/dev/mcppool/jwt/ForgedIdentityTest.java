package dev.mcppool.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcppool.CallerIdentity;
import dev.mcppool.IdentityExtractor;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolConfig;
import dev.mcppool.testing.Leaks;
import dev.mcppool.testing.TestMcpServer;
import dev.mcppool.testing.WhoAmI;

import com.nimbusds.jwt.SignedJWT;

import io.modelcontextprotocol.spec.McpSchema;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Item 2 of the reliability suite: a caller presenting a token whose claims name another user must not receive that
 * user's session. Checked against the real test server: its {@code whoami} tool tells which session served a call
 * and with which {@code Authorization} header that session was created.
 */
class ForgedIdentityTest {

    private static final byte[] SECRET = Tokens.secret("the issuer's own secret");
    private static final byte[] MALLORYS_SECRET = Tokens.secret("mallory signs her own tokens");
    private static final Clock CLOCK = Clock.fixed(Tokens.NOW, ZoneOffset.UTC);

    private static TestMcpServer server;
    private final List<McpSessionPool> pools = new ArrayList<>();

    @BeforeAll
    static void start() {
        server = TestMcpServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void leakCheck() {
        for (McpSessionPool pool : pools) {
            pool.close();
            assertThat(pool.stats().totalSessions()).isZero();
        }
        server.awaitLiveSessions(0, Duration.ofSeconds(10));
        for (McpSessionPool pool : pools) {
            Leaks.awaitNoThreads(pool.name() + "-", Duration.ofSeconds(10));
        }
    }

    private McpSessionPool pool(IdentityExtractor extractor) {
        McpSessionPool pool = McpSessionPool.create(PoolConfig.builder().identityExtractor(extractor)
                .backgroundHousekeeping(false).requestTimeout(Duration.ofSeconds(10)).build());
        pools.add(pool);
        return pool;
    }

    private static WhoAmI whoami(McpSessionPool pool, String token) {
        McpTarget target = McpTarget.streamableHttp(server.streamableUri().toString());
        CallerIdentity caller = CallerIdentity.headers(Map.of("Authorization", "Bearer " + token));
        return pool.call(target, caller, c -> WhoAmI.from(c.callTool(McpSchema.CallToolRequest.builder()
                .name("whoami").arguments(Map.of()).build())));
    }

    @Test
    void aForgedTokenNamingAliceNeverReceivesAlicesSession() {
        McpSessionPool pool = pool(JwtIdentityExtractor.hmac(SECRET).clock(CLOCK).build());
        String alice1 = Tokens.hs256(SECRET, Tokens.claims("alice").build());
        String alice2 = Tokens.hs256(SECRET, Tokens.claims("alice").build());
        WhoAmI alices = whoami(pool, alice1);
        assertThat(alices.initHeader("authorization")).isEqualTo("Bearer " + alice1);

        // Alice's next token: her own session again, and this call carries the new token.
        WhoAmI rotated = whoami(pool, alice2);
        assertThat(rotated.sessionId()).isEqualTo(alices.sessionId());
        assertThat(rotated.header("authorization")).isEqualTo("Bearer " + alice2);

        // Mallory: "sub": "alice" signed with her own key; the same claims with no signature; Alice's signature
        // around a payload she rewrote; and an expired token of Alice's that she replays.
        String tampered = Tokens.withPayload(Tokens.hs256(SECRET, Tokens.claims("mallory").build()),
                "{\"sub\":\"alice\",\"exp\":" + Tokens.NOW.plusSeconds(300).getEpochSecond() + "}");
        String expired = Tokens.hs256(SECRET, Tokens.claims("alice")
                .expirationTime(java.util.Date.from(Tokens.NOW.minusSeconds(3_600))).build());
        List<String> forgeries = List.of(Tokens.hs256(MALLORYS_SECRET, Tokens.claims("alice").build()),
                Tokens.unsigned(Tokens.claims("alice").build()), tampered, expired);
        for (String forged : forgeries) {
            WhoAmI mallorys = whoami(pool, forged);
            assertThat(mallorys.sessionId()).as("session seen by the forged token").isNotEqualTo(alices.sessionId());
            assertThat(mallorys.initHeader("authorization")).as("the session was created with her own token")
                    .isEqualTo("Bearer " + forged);
        }
        assertThat(pool.stats().misses()).isEqualTo(1 + forgeries.size());
        assertThat(pool.stats().hits()).isEqualTo(1);
    }

    /**
     * Why verification matters: an extractor that trusts the claims without checking the signature hands Alice's
     * session, created with Alice's credentials, to whoever writes "alice" into a token.
     */
    @Test
    void withoutVerificationTheSameForgeryWouldWin() {
        IdentityExtractor unverified = headers -> {
            String token = headers.getOrDefault("authorization", "").replaceFirst("(?i)^bearer ", "");
            return Optional.of(SignedJWT.parse(token).getJWTClaimsSet().getSubject());
        };
        McpSessionPool pool = pool(unverified);
        String alice = Tokens.hs256(SECRET, Tokens.claims("alice").build());
        WhoAmI alices = whoami(pool, alice);
        WhoAmI mallorys = whoami(pool, Tokens.hs256(MALLORYS_SECRET, Tokens.claims("alice").build()));
        assertThat(mallorys.sessionId()).isEqualTo(alices.sessionId());
        assertThat(mallorys.initHeader("authorization")).isEqualTo("Bearer " + alice);
    }
}
