package dev.mcppool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

/** The workload's accounting, and its way out of a call that never returns. */
class WorkloadTest {

    private static Workload workload(int threads, Duration stuckAfter) {
        ProgressBar progress = ProgressBar.start(new PrintWriter(new StringWriter()), 100, false);
        return new Workload(threads, progress, UnaryOperator.identity(), stuckAfter);
    }

    @Test
    void countsSuccessesAndErrors() throws InterruptedException {
        Workload.Measurement m = workload(3, Duration.ofSeconds(30)).run(10, i -> {
            if (i % 5 == 0) {
                throw new IllegalStateException("failed " + i);
            }
            return CallToolResult.builder().addTextContent("ok").build();
        });

        assertThat(m.latencies()).hasSize(8);
        assertThat(m.errors()).isEqualTo(2);
        assertThat(m.firstError()).startsWith("IllegalStateException: failed ");
    }

    @Test
    void aCallThatNeverReturnsEndsTheRunInsteadOfHangingIt() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        long began = System.nanoTime();
        try {
            Workload.Measurement m = workload(2, Duration.ofMillis(500)).run(10, i -> {
                if (i == 3) {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return CallToolResult.builder().addTextContent("ok").build();
            });

            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
            assertThat(m.errors()).isEqualTo(10 - m.latencies().length).isPositive();
            assertThat(m.firstError()).contains("calls abandoned: one had no answer after 500ms");
        } finally {
            never.countDown();
        }
    }
}
