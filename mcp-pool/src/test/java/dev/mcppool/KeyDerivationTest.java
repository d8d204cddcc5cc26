package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Keys: what separates callers, what does not, and that no secret shows. No server needed: keys are local. */
class KeyDerivationTest {

    private static final McpTarget SERVER = McpTarget.streamableHttp("http://127.0.0.1:9/mcp");
    private McpSessionPool pool = McpSessionPool.create(PoolConfig.builder().backgroundHousekeeping(false).build());

    @AfterEach
    void close() {
        pool.close();
    }

    private PoolKey key(CallerIdentity identity) {
        return pool.route(SERVER, identity).key();
    }

    @Test
    void differentCredentialsGiveDifferentKeysAndTheSameCredentialTheSameKey() {
        var a = key(CallerIdentity.headers(Map.of("Authorization", "Bearer a")));
        var b = key(CallerIdentity.headers(Map.of("Authorization", "Bearer b")));
        var a2 = key(CallerIdentity.headers(Map.of("Authorization", "Bearer a")));
        assertThat(a).isNotEqualTo(b).isEqualTo(a2);
        assertThat(a.identityHash()).matches("[0-9a-f]{64}").isNotEqualTo("anonymous");
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        var lower = key(CallerIdentity.headers(Map.of("authorization", "Bearer a")));
        var upper = key(CallerIdentity.headers(Map.of("AUTHORIZATION", "Bearer a")));
        var mixed = key(CallerIdentity.headers(Map.of("Authorization", "Bearer a")));
        assertThat(lower).isEqualTo(upper).isEqualTo(mixed);
    }

    @Test
    void onlyIdentityHeadersDecideTheKey() {
        var plain = key(CallerIdentity.headers(Map.of("Authorization", "Bearer a")));
        var traced = key(CallerIdentity.headers(Map.of("Authorization", "Bearer a", "traceparent", "00-1-2-01")));
        var tenant = key(CallerIdentity.headers(Map.of("Authorization", "Bearer a", "X-Tenant-Id", "t2")));
        assertThat(traced).isEqualTo(plain);
        assertThat(tenant).isNotEqualTo(plain);
    }

    @Test
    void usersSharingACredentialStillGetDifferentKeys() {
        var shared = Map.of("X-Api-Key", "team-key");
        assertThat(key(CallerIdentity.of("alice", shared))).isNotEqualTo(key(CallerIdentity.of("bob", shared)));
        assertThat(key(CallerIdentity.user("alice"))).isNotEqualTo(key(CallerIdentity.anonymous()));
    }

    @Test
    void anonymousCallersShareOneCountedKey() {
        var none = key(CallerIdentity.anonymous());
        var irrelevantHeaders = key(CallerIdentity.headers(Map.of("traceparent", "x")));
        assertThat(none.identityHash()).isEqualTo("anonymous");
        assertThat(none.userHash()).isEqualTo("anonymous");
        assertThat(irrelevantHeaders).isEqualTo(none);
        assertThat(pool.stats().anonymousIdentities()).isEqualTo(2);
    }

    @Test
    void scopeAndTransportJoinTheKey() {
        var alice = CallerIdentity.user("alice");
        var conversation1 = pool.route(SERVER, alice, "conversation-1").key();
        var conversation2 = pool.route(SERVER, alice, "conversation-2").key();
        assertThat(conversation1).isNotEqualTo(conversation2).isNotEqualTo(key(alice));
        var sse = pool.route(McpTarget.sse("http://127.0.0.1:9/mcp"), alice).key();
        assertThat(sse).isNotEqualTo(key(alice));
        assertThat(sse.transport()).isEqualTo(Transport.SSE);
    }

    @Test
    void theEncodingIsUnambiguous() {
        // "a:b" + "c" must not collide with "a" + "b:c" and the like.
        var one = key(CallerIdentity.headers(Map.of("X-Api-Key", "a\tb", "X-Tenant-Id", "c")));
        var two = key(CallerIdentity.headers(Map.of("X-Api-Key", "a", "X-Tenant-Id", "b\tc")));
        assertThat(one).isNotEqualTo(two);
    }

    @Test
    void anExtractorMapsRotatingTokensToOnePrincipalAndFallsBackWhenItFails() {
        pool.close();
        IdentityExtractor extractor = headers -> {
            String token = headers.getOrDefault("authorization", "");
            if (token.contains("boom")) {
                throw new IllegalStateException("cannot parse");
            }
            return token.startsWith("Bearer jwt-") ? Optional.of(token.substring(11, 14)) : Optional.empty();
        };
        pool = McpSessionPool.create(PoolConfig.builder().backgroundHousekeeping(false).identityExtractor(extractor)
                .build());
        var first = key(CallerIdentity.headers(Map.of("Authorization", "Bearer jwt-123-abc")));
        var rotated = key(CallerIdentity.headers(Map.of("Authorization", "Bearer jwt-123-xyz")));
        var other = key(CallerIdentity.headers(Map.of("Authorization", "Bearer jwt-456-abc")));
        var failing = key(CallerIdentity.headers(Map.of("Authorization", "Bearer boom")));
        var blank = key(CallerIdentity.headers(Map.of("Authorization", "Bearer opaque")));
        assertThat(first).isEqualTo(rotated).isNotEqualTo(other);
        assertThat(failing.identityHash()).isNotEqualTo("anonymous").isNotEqualTo(first.identityHash());
        assertThat(blank.identityHash()).isNotEqualTo("anonymous");
    }

    @Test
    void keysNeverShowSecretsAndQueryStringsAreHashed() {
        var target = McpTarget.streamableHttp("http://127.0.0.1:9/mcp?token=q-secret");
        var key = pool.route(target, CallerIdentity.of("alice@example.com", Map.of("Cookie", "sid=c-secret"))).key();
        assertThat(key.toString() + key.url()).doesNotContain("q-secret", "c-secret", "alice@example.com");
        assertThat(key.url()).startsWith("http://127.0.0.1:9/mcp?sha256=");
        assertThat(target.toString()).doesNotContain("q-secret");
    }

    @Test
    void badUrlsAndHeadersAreRejectedAtTheBoundary() {
        assertThatThrownBy(() -> McpTarget.streamableHttp(null)).hasMessage("url must not be null");
        assertThatThrownBy(() -> McpTarget.streamableHttp(" ")).hasMessage("url must not be blank");
        assertThatThrownBy(() -> McpTarget.streamableHttp("/mcp")).hasMessageContaining("must be absolute");
        assertThatThrownBy(() -> McpTarget.streamableHttp("ftp://host/mcp"))
                .hasMessageContaining("scheme must be http or https, but was 'ftp'");
        assertThatThrownBy(() -> McpTarget.streamableHttp("http://user:pw@host/mcp"))
                .hasMessageContaining("must not contain user-info").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> McpTarget.streamableHttp("http://host/mcp#frag"))
                .hasMessageContaining("fragment");
        assertThatThrownBy(() -> McpTarget.streamableHttp("http://ho st/mcp")).hasMessageContaining("not a valid URI");
        assertThatThrownBy(() -> McpTarget.of("http://host/mcp", null)).hasMessageContaining("transport");
        assertThatThrownBy(() -> CallerIdentity.headers(Map.of("X-Evil", "a\r\nInjected: 1")))
                .hasMessageContaining("X-Evil").hasMessageContaining("control characters")
                .hasMessageNotContaining("Injected");
        assertThatThrownBy(() -> CallerIdentity.headers(Map.of("Bad Name", "v")))
                .hasMessageContaining("must be an HTTP token");
        assertThatThrownBy(() -> CallerIdentity.headers(Map.of("X-Big", "x".repeat(9000))))
                .hasMessageContaining("at most 8192 characters, but was 9000");
        assertThatThrownBy(() -> CallerIdentity.headers(Map.of("Host", "evil")))
                .hasMessageContaining("'Host' is managed by the HTTP client");
        assertThatThrownBy(() -> CallerIdentity.of(" ", Map.of())).hasMessageContaining("user must not be null or blank");
        assertThatThrownBy(() -> pool.route(SERVER, CallerIdentity.anonymous(), " "))
                .hasMessageContaining("scope must not be blank");
    }

    @Test
    void aRouteBelongsToThePoolThatMadeIt() {
        try (var other = McpSessionPool.create(PoolConfig.builder().backgroundHousekeeping(false).build())) {
            var route = other.route(SERVER, CallerIdentity.anonymous());
            assertThatThrownBy(() -> pool.acquire(route)).hasMessageContaining("derived by another pool");
        }
    }
}
