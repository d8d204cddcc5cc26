package dev.mcppool.benchmarks.jmh;

import dev.mcppool.CallerIdentity;
import dev.mcppool.PoolConfig;
import dev.mcppool.benchmarks.Fixtures;
import dev.mcppool.internal.KeyDeriver;
import dev.mcppool.internal.SessionSpec;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What {@code pool.acquire(target, identity)} pays on every call that {@code pool.route(...)} pays once: deriving the
 * key from a user and an {@code Authorization} header (SHA-256 of the user, of the identity headers, and the URL).
 * The identities are built in setup, as a caller's request would bring them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyDerivationBenchmark {

    private static final int IDENTITIES = 1024;

    private KeyDeriver deriver;
    private CallerIdentity[] identities;

    @Setup(Level.Trial)
    public void setUp() {
        PoolConfig config = Fixtures.config(1);
        deriver = new KeyDeriver(config.identityHeaders(), Optional.empty());
        identities = new CallerIdentity[IDENTITIES];
        for (int i = 0; i < IDENTITIES; i++) {
            identities[i] = Fixtures.identity(i);
        }
    }

    @Benchmark
    public SessionSpec deriveWithAuthorization(Picker picker) {
        return deriver.derive(Fixtures.TARGET, identities[picker.picker.next(IDENTITIES)], null);
    }

    @Benchmark
    public SessionSpec deriveWithAuthorizationAndScope(Picker picker) {
        int i = picker.picker.next(IDENTITIES);
        return deriver.derive(Fixtures.TARGET, identities[i], "conversation-" + i);
    }
}
