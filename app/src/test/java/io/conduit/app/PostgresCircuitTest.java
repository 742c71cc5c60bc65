package io.conduit.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresCircuitTest {
    private final PostgresCircuit circuit = new PostgresCircuit(new SimpleMeterRegistry());

    @Test
    void failsABorrowAtOnceWhileOpenAndBorrowsAgainOnceClosed() throws Exception {
        circuit.unreachable(new SQLException("refused", "08001"));

        assertThatThrownBy(() -> circuit.borrow(PostgresCircuitTest::never))
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("cannot be reached");

        circuit.reachable();

        assertThat(circuit.borrow(() -> null)).isNull();
        assertThat(circuit.isOpen()).isFalse();
    }

    @Test
    void wakesAThreadWaitingForAConnectionWhenItOpensAndClearsTheWakeUp() throws Exception {
        var waiting = new CountDownLatch(1);
        var stillInterrupted = new CompletableFuture<Boolean>();
        var outcome = CompletableFuture.supplyAsync(() -> {
            try {
                circuit.borrow(() -> {
                    waiting.countDown();
                    return never();
                });
                return "borrowed";
            } catch (SQLException e) {
                return e.getClass().getSimpleName();
            } finally {
                stillInterrupted.complete(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
        long started = System.nanoTime();

        circuit.unreachable(new SQLException("refused", "08001"));

        assertThat(outcome.get(5, TimeUnit.SECONDS)).isEqualTo("SQLTransientConnectionException");
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms to wake").isLessThan(500);
        assertThat(stillInterrupted.get())
                .as("the wake-up never outlives the borrow")
                .isFalse();
    }

    @Test
    void leavesABorrowThatEndedAloneAndItsThreadUninterrupted() throws Exception {
        circuit.borrow(() -> null);

        circuit.unreachable(new SQLException("refused", "08001"));

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    /** Waits like an empty pool: until interrupted. */
    private static Connection never() throws SQLException {
        try {
            Thread.sleep(60_000);
            throw new SQLTransientConnectionException("timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted during connection acquisition", e);
        }
    }
}
