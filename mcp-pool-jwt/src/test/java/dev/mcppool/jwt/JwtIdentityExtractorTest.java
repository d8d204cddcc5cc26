package dev.mcppool.jwt;

import static dev.mcppool.jwt.Tokens.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcppool.CallerIdentity;
import dev.mcppool.McpSessionPool;
import dev.mcppool.McpTarget;
import dev.mcppool.PoolConfig;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What the extractor accepts, and everything it refuses. */
class JwtIdentityExtractorTest {

    private static final byte[] SECRET = Tokens.secret("the issuer's own secret");
    private static final byte[] OTHER_SECRET = Tokens.secret("someone else's secret!!");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static JwtIdentityExtractor.Builder hmac() {
        return JwtIdentityExtractor.hmac(SECRET).clock(CLOCK).issuer("https://login.example.com/")
                .audience("mcp-gateway");
    }

    private static Optional<String> principal(JwtIdentityExtractor extractor, String token) {
        return extractor.principal(Map.of("authorization", "Bearer " + token));
    }

    @Test
    void aValidTokenGivesItsSubject() {
        assertThat(principal(hmac().build(), Tokens.hs256(SECRET, Tokens.claims("alice").build())))
                .contains("alice");
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() {
        assertThat(principal(hmac().build(), Tokens.hs256(OTHER_SECRET, Tokens.claims("alice").build()))).isEmpty();
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String none = Tokens.unsigned(Tokens.claims("alice").build());
        assertThat(none).endsWith(".");
        assertThat(principal(hmac().build(), none)).isEmpty();
        // "alg": "HS256" in the header but no signature at all
        String valid = Tokens.hs256(SECRET, Tokens.claims("alice").build());
        assertThat(principal(hmac().build(), valid.substring(0, valid.lastIndexOf('.') + 1))).isEmpty();
    }

    @Test
    void aForgedSubjectUnderARealSignatureIsRefused() {
        String real = Tokens.hs256(SECRET, Tokens.claims("mallory").build());
        String forged = Tokens.withPayload(real, "{\"sub\":\"alice\",\"iss\":\"https://login.example.com/\","
                + "\"aud\":\"mcp-gateway\",\"exp\":" + NOW.plusSeconds(300).getEpochSecond() + "}");
        assertThat(principal(hmac().build(), real)).contains("mallory");
        assertThat(principal(hmac().build(), forged)).isEmpty();
    }

    @Test
    void expiryAndNotBeforeAreCheckedWithTheClockSkew() {
        var extractor = hmac().clockSkew(Duration.ofSeconds(60)).build();
        var expiredLongAgo = Tokens.claims("alice").expirationTime(Date.from(NOW.minusSeconds(120))).build();
        var expiredWithinSkew = Tokens.claims("alice").expirationTime(Date.from(NOW.minusSeconds(30))).build();
        var notYet = Tokens.claims("alice").notBeforeTime(Date.from(NOW.plusSeconds(120))).build();
        var almost = Tokens.claims("alice").notBeforeTime(Date.from(NOW.plusSeconds(30))).build();
        var noExpiry = Tokens.claims("alice").expirationTime(null).build();
        assertThat(principal(extractor, Tokens.hs256(SECRET, expiredLongAgo))).isEmpty();
        assertThat(principal(extractor, Tokens.hs256(SECRET, expiredWithinSkew))).contains("alice");
        assertThat(principal(extractor, Tokens.hs256(SECRET, notYet))).isEmpty();
        assertThat(principal(extractor, Tokens.hs256(SECRET, almost))).contains("alice");
        assertThat(principal(extractor, Tokens.hs256(SECRET, noExpiry))).isEmpty();
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() {
        var wrongIssuer = Tokens.claims("alice").issuer("https://evil.example.com/").build();
        var wrongAudience = Tokens.claims("alice").audience("another-service").build();
        assertThat(principal(hmac().build(), Tokens.hs256(SECRET, wrongIssuer))).isEmpty();
        assertThat(principal(hmac().build(), Tokens.hs256(SECRET, wrongAudience))).isEmpty();
        var lenient = JwtIdentityExtractor.hmac(SECRET).clock(CLOCK).build();
        assertThat(principal(lenient, Tokens.hs256(SECRET, wrongIssuer))).contains("alice");
    }

    @Test
    void anRsaKeyVerifiesRs256AndNeverAnHmacTokenMadeWithThePublicKey() throws Exception {
        RSAKey issuer = new RSAKeyGenerator(2048).generate();
        var extractor = JwtIdentityExtractor.builder(issuer.toRSAPublicKey()).clock(CLOCK).build();
        assertThat(principal(extractor, Tokens.rs256(issuer, Tokens.claims("alice").build()))).contains("alice");

        RSAKey attacker = new RSAKeyGenerator(2048).generate();
        assertThat(principal(extractor, Tokens.rs256(attacker, Tokens.claims("alice").build()))).isEmpty();

        // Algorithm confusion: HS256 "signed" with the issuer's public key as the HMAC secret.
        SignedJWT confused = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), Tokens.claims("alice").build());
        confused.sign(new MACSigner(issuer.toRSAPublicKey().getEncoded()));
        assertThat(principal(extractor, confused.serialize())).isEmpty();
    }

    @Test
    void anotherClaimOrHeaderCanNameThePrincipal() {
        var byEmail = hmac().claim("email").build();
        var token = Tokens.hs256(SECRET, Tokens.claims("id-42").claim("email", "alice@example.com").build());
        assertThat(principal(byEmail, token)).contains("alice@example.com");
        assertThat(principal(hmac().claim("tenant").build(), token)).isEmpty();

        var fromHeader = hmac().header("X-Id-Token").build();
        assertThat(fromHeader.principal(Map.of("x-id-token", token))).contains("id-42");
    }

    @Test
    void garbageAndMissingTokensGiveNothingAndNeverThrow() {
        var extractor = hmac().build();
        assertThat(extractor.principal(Map.of())).isEmpty();
        assertThat(extractor.principal(Map.of("authorization", "Basic YWxpY2U6cw=="))).isEmpty();
        assertThat(extractor.principal(Map.of("authorization", "Bearer not.a.jwt"))).isEmpty();
        assertThat(extractor.principal(Map.of("authorization", "Bearer "))).isEmpty();
        assertThat(extractor.principal(Map.of("authorization", "Bearer " + "x".repeat(8000)))).isEmpty();
    }

    @Test
    void badSettingsAreRefusedAtOnce() {
        assertThatThrownBy(() -> JwtIdentityExtractor.hmac(new byte[16]))
                .hasMessage("secret must be at least 32 bytes (256 bits), but was 16 bytes");
        assertThatThrownBy(() -> hmac().clockSkew(Duration.ofHours(1)).build())
                .hasMessage("clockSkew must be between 0 and 5 minutes, but was PT1H");
        assertThatThrownBy(() -> hmac().claim(" ").build()).hasMessage("claim must not be blank");
    }

    /** Rotating tokens of one user share one key; another user, or a refused token, gets another. */
    @Test
    void rotatingTokensOfOneUserMapToOneKey() {
        var extractor = hmac().build();
        try (McpSessionPool pool = McpSessionPool.create(PoolConfig.builder().identityExtractor(extractor)
                .backgroundHousekeeping(false).build());
                McpSessionPool plain = McpSessionPool.create(PoolConfig.builder().backgroundHousekeeping(false)
                        .build())) {
            McpTarget target = McpTarget.streamableHttp("http://127.0.0.1:9/mcp");
            String first = Tokens.hs256(SECRET, Tokens.claims("alice").build());
            String second = Tokens.hs256(SECRET, Tokens.claims("alice").build());
            String bob = Tokens.hs256(SECRET, Tokens.claims("bob").build());
            String forged = Tokens.hs256(OTHER_SECRET, Tokens.claims("alice").build());
            assertThat(first).isNotEqualTo(second);
            var key = pool.route(target, bearer(first)).key();
            assertThat(pool.route(target, bearer(second)).key()).isEqualTo(key);
            assertThat(pool.route(target, bearer(bob)).key()).isNotEqualTo(key);
            assertThat(pool.route(target, bearer(forged)).key()).isNotEqualTo(key)
                    .isEqualTo(plain.route(target, bearer(forged)).key());
        }
    }

    static CallerIdentity bearer(String token) {
        return CallerIdentity.headers(Map.of("Authorization", "Bearer " + token));
    }
}
