package io.conduit.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionLifetimeTest {
    private static final long SECOND = 1_000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long CREATED = 1_700_000_000_000L;

    /** An hour idle, a day at most: renewals are due a minute apart. */
    private final SessionLifetime lifetime = SessionLifetime.of(Duration.ofHours(1), Duration.ofDays(1));

    @Test
    void renewsAtMostEveryTenthOfTheIdleTimeoutBetweenOneSecondAndOneMinute() {
        assertThat(lifetime(Duration.ofMinutes(5)).touchIntervalMillis()).isEqualTo(30 * SECOND);
        assertThat(lifetime(Duration.ofHours(1)).touchIntervalMillis()).isEqualTo(MINUTE);
        assertThat(lifetime(Duration.ofSeconds(5)).touchIntervalMillis()).isEqualTo(SECOND);
    }

    @Test
    void expiresExactlyWhenTheAbsoluteLifetimeIsReached() {
        long end = CREATED + 24 * HOUR;

        assertThat(lifetime.expired(CREATED, end - 1)).isFalse();
        assertThat(lifetime.expired(CREATED, end)).isTrue();
    }

    @Test
    void countsTheSameSessionsExpiredInTheUsersIndex() {
        long now = CREATED + 30 * HOUR;
        long last = lifetime.lastExpiredCreation(now);

        assertThat(last).isEqualTo(now - 24 * HOUR);
        assertThat(lifetime.expired(last, now)).isTrue();
        assertThat(lifetime.expired(last + 1, now)).isFalse();
    }

    @Test
    void renewsForTheIdleTimeoutOnceTheTouchIntervalHasPassed() {
        long seen = CREATED + 2 * HOUR;

        assertThat(lifetime.renewal(CREATED, seen, seen + MINUTE - 1)).isEmpty();
        assertThat(lifetime.renewal(CREATED, seen, seen + MINUTE)).hasValue(HOUR);
    }

    @Test
    void renewsOnlyForWhatIsLeftOfTheAbsoluteLifetime() {
        long now = CREATED + 24 * HOUR - 10 * MINUTE;

        assertThat(lifetime.renewal(CREATED, CREATED, now)).hasValue(10 * MINUTE);
    }

    @Test
    void neverRenewsAnExpiredSession() {
        assertThat(lifetime.renewal(CREATED, CREATED, CREATED + 24 * HOUR)).isEmpty();
    }

    private static SessionLifetime lifetime(Duration idle) {
        return SessionLifetime.of(idle, Duration.ofDays(30));
    }
}
