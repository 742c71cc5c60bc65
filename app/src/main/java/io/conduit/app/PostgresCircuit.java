package io.conduit.app;

import io.conduit.platform.RootCause;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether PostgreSQL can be reached, as the pool's own connection attempts tell: the first attempt
 * that cannot connect opens the circuit, the first that connects closes it again. While it is open
 * a borrow fails at once, so a request that needs PostgreSQL gets its 503 in milliseconds instead
 * of after the pool wait, and every thread already waiting for a connection when it opens is woken
 * and fails too (the connections it waits for will not come back).
 *
 * <p>Waking is an interrupt, handed over so that it can only reach a thread while it waits inside
 * {@link #borrow}: the thread clears it before it leaves, so it never hits the statements it runs
 * afterwards.
 */
final class PostgresCircuit {
    private static final Logger log = LoggerFactory.getLogger(PostgresCircuit.class);

    private final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
    private volatile boolean open;
    private volatile long openedAt;

    PostgresCircuit(MeterRegistry registry) {
        Gauge.builder("postgres.circuit.open", this, circuit -> circuit.open ? 1 : 0)
                .description("1 while new connections to PostgreSQL fail and borrowing fails at once")
                .register(registry);
    }

    boolean isOpen() {
        return open;
    }

    /** A connection attempt failed in a way that means PostgreSQL cannot be reached now. */
    void unreachable(SQLException cause) {
        synchronized (this) {
            if (open) {
                return;
            }
            open = true;
            openedAt = System.nanoTime();
        }
        log.warn(
                "PostgreSQL cannot be reached ({}): requests that need it get 503 at once until a connection succeeds",
                RootCause.describe(cause));
        for (Waiter waiter : waiters) {
            waiter.wake();
        }
    }

    /** A connection attempt succeeded. */
    void reachable() {
        synchronized (this) {
            if (!open) {
                return;
            }
            open = false;
        }
        log.info("PostgreSQL is reachable again after {} ms", (System.nanoTime() - openedAt) / 1_000_000);
    }

    /** Borrows through {@code borrow}, failing at once while the circuit is open and when it opens. */
    Connection borrow(Borrow borrow) throws SQLException {
        var waiter = new Waiter(Thread.currentThread());
        waiters.add(waiter);
        try {
            if (open) {
                throw unavailable(null);
            }
            return borrow.connection();
        } catch (SQLException e) {
            if (waiter.settle()) {
                throw unavailable(e);
            }
            throw e;
        } finally {
            waiter.settle();
            waiters.remove(waiter);
        }
    }

    private static SQLTransientConnectionException unavailable(@Nullable SQLException cause) {
        return new SQLTransientConnectionException(
                "PostgreSQL cannot be reached (no new connection succeeds); not waiting for a pooled one",
                "08001",
                cause);
    }

    /** The pool's borrow. */
    @FunctionalInterface
    interface Borrow {
        Connection connection() throws SQLException;
    }

    /** A thread inside {@link #borrow}, and the hand-over of its wake-up interrupt. */
    private static final class Waiter {
        private static final int WAITING = 0;
        private static final int DONE = 1;
        private static final int WOKEN = 2;
        private static final int CLEARED = 3;

        private final Thread thread;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private volatile boolean delivered;

        Waiter(Thread thread) {
            this.thread = thread;
        }

        void wake() {
            if (state.compareAndSet(WAITING, WOKEN)) {
                thread.interrupt();
                delivered = true;
            }
        }

        /** Ends the wait; true if it was woken (its interrupt is then delivered and cleared). */
        boolean settle() {
            if (state.compareAndSet(WAITING, DONE) || state.get() == DONE) {
                return false;
            }
            while (!delivered) {
                Thread.yield();
            }
            if (state.compareAndSet(WOKEN, CLEARED)) {
                Thread.interrupted();
            }
            return true;
        }
    }
}
