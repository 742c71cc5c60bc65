package io.conduit.app.api;

import static io.conduit.app.api.Users.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.TestApp;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Limits kept in Redis hold across instances; login is limited per account as well as per address. */
class RateLimitIT {
    @Test
    void countsAnonymousRequestsPerAddressAcrossTwoInstancesSharingRedis() {
        var limits = Map.of("CONDUIT_RATE_LIMIT_ANONYMOUS", "10/1m", "CONDUIT_TRUSTED_PROXY_HOPS", "1");
        try (var first = TestApp.start(limits, Clock.systemUTC());
                var second = TestApp.start(limits, Clock.systemUTC())) {
            String address = "198.51.100." + (int) (Math.random() * 125);
            String other = "198.51.100." + (125 + (int) (Math.random() * 125));
            var a = new Http(first.baseUrl());
            var b = new Http(second.baseUrl());
            for (int i = 0; i < 5; i++) {
                assertThat(a.get("/api/tags", "X-Forwarded-For", address).status())
                        .isEqualTo(200);
                assertThat(b.get("/api/tags", "X-Forwarded-For", address).status())
                        .isEqualTo(200);
            }

            var limited = a.get("/api/tags", "X-Forwarded-For", address);
            var otherClient = b.get("/api/tags", "X-Forwarded-For", other);

            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.errors()).containsKey("rate limit");
            assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
            assertThat(limited.header("RateLimit-Policy")).isEqualTo("\"anonymous\";q=10;w=60");
            assertThat(limited.header("RateLimit")).startsWith("\"anonymous\";r=0;t=");
            assertThat(otherClient.status()).isEqualTo(200);
            assertThat(otherClient.header("RateLimit")).startsWith("\"anonymous\";r=9;");
            assertThat(b.get("/health/ready", "X-Forwarded-For", address).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void limitsLoginAttemptsPerAccountWhateverTheAddress() {
        var limits = Map.of("CONDUIT_RATE_LIMIT_LOGIN_PER_ACCOUNT", "3/15m", "CONDUIT_TRUSTED_PROXY_HOPS", "1");
        try (var app = TestApp.start(limits, Clock.systemUTC())) {
            var http = new Http(app.baseUrl());
            var user = Users.register(http);
            for (int i = 0; i < 3; i++) {
                var wrong = http.post(
                        "/api/users/login", login(user.email(), "wrong-password"), "X-Forwarded-For", "203.0.113." + i);
                assertThat(wrong.status()).isEqualTo(401);
            }

            var fourth = http.post(
                    "/api/users/login",
                    login(user.email().toUpperCase(java.util.Locale.ROOT), user.password()),
                    "X-Forwarded-For",
                    "203.0.113.99");
            var otherAccount = http.post(
                    "/api/users/login",
                    login(Users.register(http).email(), "password123"),
                    "X-Forwarded-For",
                    "203.0.113.99");

            assertThat(fourth.status()).isEqualTo(429);
            assertThat(fourth.header("RateLimit-Policy")).contains("\"login-account\";q=3;w=900");
            assertThat(otherAccount.status()).isEqualTo(200);
        }
    }

    @Test
    void productionDefaultsLetABusyNatThroughAndStillStopPasswordGuessing() {
        try (var app = TestApp.startWithDefaultRateLimits(Map.of("CONDUIT_TRUSTED_PROXY_HOPS", "1"))) {
            var http = new Http(app.baseUrl());
            String nat = "198.51.100." + (int) (Math.random() * 250);
            var statuses = new java.util.ArrayList<Integer>();
            var accounts = new java.util.ArrayList<String>();
            for (int i = 0; i < 60; i++) {
                String name = Users.unique("nat");
                var registered = http.post(
                        "/api/users",
                        Users.registration(name, name + "@example.com", "password123"),
                        "X-Forwarded-For",
                        nat);
                statuses.add(registered.status());
                accounts.add(name + "@example.com");
            }
            for (int i = 0; i < 100; i++) {
                statuses.add(http.post(
                                "/api/users/login", login(accounts.get(i % 60), "password123"), "X-Forwarded-For", nat)
                        .status());
            }
            for (int i = 0; i < 500; i++) {
                statuses.add(http.get("/api/articles?limit=1", "X-Forwarded-For", nat)
                        .status());
            }

            var guesses = new java.util.ArrayList<Integer>();
            for (int i = 0; i < 20; i++) {
                guesses.add(
                        http.post("/api/users/login", login(accounts.getFirst(), "guess-" + i), "X-Forwarded-For", nat)
                                .status());
            }

            assertThat(statuses)
                    .as("a NAT's burst: 60 registrations, 100 logins, 500 reads")
                    .doesNotContain(429);
            assertThat(statuses).containsOnly(200, 201);
            assertThat(guesses)
                    .as("20 wrong passwords for one account from one address")
                    .contains(429);
            assertThat(guesses.subList(0, 8)).containsOnly(401);
        }
    }
}
