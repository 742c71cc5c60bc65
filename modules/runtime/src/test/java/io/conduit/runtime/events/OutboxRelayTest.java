package io.conduit.runtime.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The relay's retry arithmetic: how long a failed delivery waits before the next attempt. */
class OutboxRelayTest {
    private static final LongUnaryOperator NO_JITTER = bound -> 0;
    private static final LongUnaryOperator MOST_JITTER = bound -> bound - 1;
    private static final Duration CAP = Duration.ofMinutes(5);

    @Test
    void waitsOneSecondAfterTheFirstFailureAndDoublesAfterEachNext() {
        List<Long> seconds = IntStream.rangeClosed(1, 9)
                .mapToObj(attempt -> OutboxRelay.backoff(attempt, NO_JITTER).toSeconds())
                .toList();

        assertThat(seconds).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L);
    }

    @Test
    void neverWaitsLongerThanFiveMinutesHoweverManyFailures() {
        assertThat(OutboxRelay.backoff(10, NO_JITTER)).isEqualTo(CAP);
        assertThat(OutboxRelay.backoff(64, NO_JITTER)).isEqualTo(CAP);
        assertThat(OutboxRelay.backoff(Integer.MAX_VALUE, MOST_JITTER)).isEqualTo(CAP);
    }

    @Test
    void addsAJitterBelowAFifthOfTheWait() {
        var bounds = new ArrayList<Long>();
        LongUnaryOperator most = bound -> {
            bounds.add(bound);
            return bound - 1;
        };

        Duration first = OutboxRelay.backoff(1, most);
        Duration third = OutboxRelay.backoff(3, most);

        assertThat(bounds).containsExactly(200L, 800L);
        assertThat(first).isEqualTo(Duration.ofMillis(1_199));
        assertThat(third).isEqualTo(Duration.ofMillis(4_799));
    }

    @Test
    void jitterDoesNotLiftTheWaitOverTheCap() {
        assertThat(OutboxRelay.backoff(9, NO_JITTER)).isEqualTo(Duration.ofSeconds(256));

        assertThat(OutboxRelay.backoff(9, MOST_JITTER)).isEqualTo(CAP);
    }

    @Test
    void drawsItsJitterWithinRangeWhenRandom() {
        for (int attempt = 1; attempt <= 12; attempt++) {
            long base = Math.min(CAP.toMillis(), 1000L << (attempt - 1));
            for (int draw = 0; draw < 200; draw++) {
                assertThat(OutboxRelay.backoff(attempt).toMillis())
                        .isBetween(base, Math.min(CAP.toMillis(), base + base / 5 - 1));
            }
        }
    }
}
