package dev.mcppool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PoolConfigTest {

    @Test
    void defaultsFollowTheReference() {
        PoolConfig c = PoolConfig.defaults();
        assertThat(c.maxSessionsPerKey()).isEqualTo(10);
        assertThat(c.sessionTtl()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.healthCheckInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.acquireTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.createTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.breakerFailureThreshold()).isEqualTo(5);
        assertThat(c.breakerOpenDuration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.breakerMaxOpenDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.keyIdleTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.healthCheckTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.healthCheckTimeoutFallsThrough()).isFalse();
        assertThat(c.healthCheckMethods()).containsExactly(HealthCheckMethod.PING, HealthCheckMethod.SKIP);
        assertThat(c.identityHeaders())
                .containsExactlyInAnyOrder("authorization", "x-tenant-id", "x-user-id", "x-api-key", "cookie");
    }

    @Test
    void everyInvalidValueIsReportedAtOnceWithOptionRuleAndValue() {
        var builder = PoolConfig.builder()
                .maxSessionsPerKey(0)
                .maxTotalSessions(-1)
                .sessionTtl(Duration.ofSeconds(-5))
                .acquireTimeout(Duration.ZERO)
                .createTimeout(null)
                .ttlJitter(0.9)
                .breakerFailureThreshold(0)
                .healthCheckMethods(List.of());

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSessionsPerKey must be positive, but was 0")
                .hasMessageContaining("maxTotalSessions must be positive, but was -1")
                .hasMessageContaining("sessionTtl must be positive, but was PT-5S")
                .hasMessageContaining("acquireTimeout must be positive, but was PT0S")
                .hasMessageContaining("createTimeout must not be null")
                .hasMessageContaining("ttlJitter must be between 0 and 0.5, but was 0.9")
                .hasMessageContaining("breakerFailureThreshold must be positive, but was 0")
                .hasMessageContaining("healthCheckMethods must name at least one method");
    }

    @Test
    void unknownHealthCheckNamesAndInconsistentBoundsAreRejected() {
        assertThatThrownBy(() -> PoolConfig.builder().healthCheckMethodNames(List.of("ping", "telepathy")).build())
                .hasMessageContaining("but had unknown [telepathy]");
        assertThat(PoolConfig.builder().healthCheckMethodNames(List.of("list_tools", "SKIP")).build()
                .healthCheckMethods()).containsExactly(HealthCheckMethod.LIST_TOOLS, HealthCheckMethod.SKIP);
        assertThatThrownBy(() -> PoolConfig.builder().maxSessionsPerKey(20).maxTotalSessions(10).build())
                .hasMessageContaining("maxSessionsPerKey must be at most maxTotalSessions (10), but was 20");
        assertThatThrownBy(() -> PoolConfig.builder().minIdlePerKey(11).build())
                .hasMessageContaining("minIdlePerKey must be at most maxSessionsPerKey (10), but was 11");
        assertThatThrownBy(() -> PoolConfig.builder().identityHeaders(Set.of(" ")).build())
                .hasMessageContaining("identityHeaders must not contain null or blank names");
    }

    @Test
    void identityHeadersAreNormalizedToLowerCase() {
        assertThat(PoolConfig.builder().identityHeaders(Set.of("X-Org", " Authorization ")).build()
                .identityHeaders()).containsExactlyInAnyOrder("x-org", "authorization");
    }

    @Test
    void toBuilderKeepsEveryValue() {
        PoolConfig c = PoolConfig.builder().maxSessionsPerKey(3).sessionTtl(Duration.ofSeconds(7)).build();
        PoolConfig copy = c.toBuilder().build();
        assertThat(copy.toString()).isEqualTo(c.toString());
    }
}
