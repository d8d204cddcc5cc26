package dev.mcppool;

import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

/**
 * The two front doors over the one engine: {@link McpSessionPool} (blocking) and {@link McpAsyncSessionPool}
 * (futures and Reactor). Every behaviour test runs through both, from one test source, through {@link TestPool}, the
 * way Caffeine's {@code CacheSpec} runs each cache test sync and async.
 */
public enum Door {
    SYNC, ASYNC;

    /** Every door with both HTTP transports: {@code @MethodSource("dev.mcppool.Door#withHttpTransports")}. */
    public static Stream<Arguments> withHttpTransports() {
        return Stream.of(values()).flatMap(door -> Stream.of(Transport.STREAMABLE_HTTP, Transport.SSE)
                .map(transport -> Arguments.of(door, transport)));
    }
}
