package io.conduit.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.TestApp;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The limits identity attaches to its registration and login routes apply there, under their own
 * names, and nowhere else.
 */
class AccountLimitsIT {
    private static final String PASSWORD = "password123";

    @Test
    void limitsRegistrationsAndLoginsPerAddressOnTheirRoutesOnly() {
        var limits = Map.of(
                "CONDUIT_RATE_LIMIT_REGISTRATION_PER_ADDRESS", "2/1m",
                "CONDUIT_RATE_LIMIT_LOGIN_PER_ADDRESS", "2/1m",
                "CONDUIT_TRUSTED_PROXY_HOPS", "1");
        try (var app = TestApp.start(limits, Clock.systemUTC())) {
            var http = new Http(app.baseUrl());
            String address = "192.0.2." + (int) (Math.random() * 250);
            String member = register(http, "192.0.2.250").email();
            for (int i = 0; i < 2; i++) {
                assertThat(register(http, address).status()).isEqualTo(201);
                assertThat(login(http, member, address).status()).isEqualTo(200);
            }

            var thirdRegistration = register(http, address).response();
            var thirdLogin = login(http, member, address);
            var elsewhere = http.get("/api/tags", "X-Forwarded-For", address);

            assertThat(thirdRegistration.status()).isEqualTo(429);
            assertThat(thirdRegistration.header("RateLimit-Policy")).isEqualTo("\"registration-address\";q=2;w=60");
            assertThat(thirdLogin.status()).isEqualTo(429);
            assertThat(thirdLogin.header("RateLimit-Policy")).isEqualTo("\"login-address\";q=2;w=60");
            assertThat(elsewhere.status()).isEqualTo(200);
            assertThat(elsewhere.header("RateLimit-Policy")).isNull();
        }
    }

    private static Registration register(Http http, String address) {
        String name = Users.unique("limited");
        String email = name + "@example.com";
        return new Registration(
                email, http.post("/api/users", Users.registration(name, email, PASSWORD), "X-Forwarded-For", address));
    }

    private static Http.Response login(Http http, String email, String address) {
        return http.post("/api/users/login", Users.login(email, PASSWORD), "X-Forwarded-For", address);
    }

    private record Registration(String email, Http.Response response) {
        int status() {
            return response.status();
        }
    }
}
