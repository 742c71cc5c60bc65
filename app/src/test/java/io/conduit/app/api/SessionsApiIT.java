package io.conduit.app.api;

import static io.conduit.app.api.Http.token;
import static io.conduit.app.api.Users.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.MutableClock;
import io.conduit.app.TestApp;
import io.conduit.app.TestServices;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Sessions kept in Redis: opaque tokens, logout, logout everywhere, revocation, lifetimes. */
class SessionsApiIT {
    @RegisterExtension
    static final RunningApp app = new RunningApp();

    @RegisterExtension
    static final RunningApp other = new RunningApp();

    private static final Http http = app.http();
    private static final Http otherInstance = other.http();

    @Test
    void issuesOpaqueTokensOfAtLeast128RandomBits() {
        var tokens = new HashSet<String>();
        var user = Users.register(http);
        for (int i = 0; i < 5; i++) {
            tokens.add(http.post("/api/users/login", login(user.email(), user.password()))
                    .json()
                    .at("/user/token")
                    .asText());
        }

        assertThat(tokens).hasSize(5);
        assertThat(tokens).allSatisfy(t -> {
            assertThat(t).matches("[A-Za-z0-9_-]{43}");
            assertThat(t).doesNotContain(".");
        });
    }

    @Test
    void storesOnlyAHashOfTheTokenInRedis() throws Exception {
        var user = Users.register(http);

        try (var jedis = redis()) {
            String id = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(user.token().getBytes(StandardCharsets.UTF_8)));
            assertThat(jedis.exists("identity:session:" + id)).isTrue();
            for (String key : jedis.keys("identity:*")) {
                assertThat(key).doesNotContain(user.token());
                String dump = switch (jedis.type(key)) {
                    case "hash" -> jedis.hgetAll(key).toString();
                    case "zset" -> jedis.zrange(key, 0, -1).toString();
                    default -> String.valueOf(jedis.get(key)); // a kept row's key: a random number
                };
                assertThat(dump).doesNotContain(user.token());
            }
        }
    }

    @Test
    void logsOutTheCurrentSessionOnlyAndTheTokenGets401AtOnceOnEveryInstance() {
        var user = Users.register(http);
        String second = http.post("/api/users/login", login(user.email(), user.password()))
                .json()
                .at("/user/token")
                .asText();
        assertThat(otherInstance.get("/api/user", token(user.token())).status()).isEqualTo(200);

        var logout = http.delete("/api/user/session", token(user.token()));

        assertThat(logout.status()).isEqualTo(204);
        assertThat(logout.body()).isEmpty();
        assertThat(http.get("/api/user", token(user.token())).status()).isEqualTo(401);
        assertThat(otherInstance.get("/api/user", token(user.token())).status()).isEqualTo(401);
        assertThat(otherInstance.get("/api/user", token(second)).status()).isEqualTo(200);
    }

    @Test
    void logsOutEverySessionOfTheUserButNoOtherUsers() {
        var user = Users.register(http);
        var bystander = Users.register(http);
        String second = http.post("/api/users/login", login(user.email(), user.password()))
                .json()
                .at("/user/token")
                .asText();

        var logout = otherInstance.delete("/api/user/sessions", token(second));

        assertThat(logout.status()).isEqualTo(204);
        assertThat(http.get("/api/user", token(user.token())).status()).isEqualTo(401);
        assertThat(http.get("/api/user", token(second)).status()).isEqualTo(401);
        assertThat(http.get("/api/user", token(bystander.token())).status()).isEqualTo(200);
    }

    @Test
    void aPasswordChangeRevokesEveryOtherSessionButKeepsTheCurrentOne() {
        var user = Users.register(http);
        String laptop = http.post("/api/users/login", login(user.email(), user.password()))
                .json()
                .at("/user/token")
                .asText();
        String phone = http.post("/api/users/login", login(user.email(), user.password()))
                .json()
                .at("/user/token")
                .asText();

        var change = http.put("/api/user", "{\"user\":{\"password\":\"a-new-password\"}}", token(laptop));

        assertThat(change.status()).isEqualTo(200);
        assertThat(change.json().at("/user/token").asText()).isEqualTo(laptop);
        assertThat(http.get("/api/user", token(laptop)).status()).isEqualTo(200);
        assertThat(otherInstance.get("/api/user", token(phone)).status()).isEqualTo(401);
        assertThat(http.get("/api/user", token(user.token())).status()).isEqualTo(401);
    }

    @Test
    void aProfileChangeWithoutANewPasswordKeepsOtherSessions() {
        var user = Users.register(http);
        String phone = http.post("/api/users/login", login(user.email(), user.password()))
                .json()
                .at("/user/token")
                .asText();

        http.put("/api/user", "{\"user\":{\"bio\":\"new bio\"}}", token(user.token()));

        assertThat(http.get("/api/user", token(phone)).status()).isEqualTo(200);
    }

    @Test
    void logoutRequiresAToken() {
        assertThat(http.delete("/api/user/session").status()).isEqualTo(401);
        assertThat(http.delete("/api/user/sessions").errors()).containsEntry("token", "is missing");
    }

    @Test
    void endsASessionAfterItsAbsoluteLifetimeHoweverMuchItIsUsed() {
        var clock = new MutableClock();
        try (var timed = TestApp.start(
                Map.of("CONDUIT_SESSION_IDLE_TIMEOUT", "1h", "CONDUIT_SESSION_ABSOLUTE_LIFETIME", "2h"), clock)) {
            var client = new Http(timed.baseUrl());
            var user = Users.register(client);
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofMinutes(35));
                assertThat(client.get("/api/user", token(user.token())).status())
                        .isEqualTo(200);
            }

            clock.advance(Duration.ofMinutes(16));

            assertThat(client.get("/api/user", token(user.token())).status()).isEqualTo(401);
        }
    }

    @Test
    void slidesTheIdleTimeoutWhileUsedAndEndsTheSessionWhenIdle() throws InterruptedException {
        try (var timed = TestApp.start(
                Map.of("CONDUIT_SESSION_IDLE_TIMEOUT", "3s", "CONDUIT_SESSION_ABSOLUTE_LIFETIME", "1h"),
                Clock.systemUTC())) {
            var client = new Http(timed.baseUrl());
            var user = Users.register(client);
            for (int i = 0; i < 5; i++) {
                Thread.sleep(1_100);
                assertThat(client.get("/api/user", token(user.token())).status())
                        .as("use %d", i)
                        .isEqualTo(200);
            }

            Thread.sleep(4_000);

            assertThat(client.get("/api/user", token(user.token())).status()).isEqualTo(401);
        }
    }

    private static Jedis redis() {
        return new Jedis(URI.create(TestServices.environment().get("CONDUIT_REDIS_URL")));
    }
}
