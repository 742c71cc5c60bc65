package io.conduit.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** A login flood is bounded: hashes run a few at a time and the overflow is shed with 503. */
class PasswordHashingIT {
    @Test
    void shedsALoginFloodWith503AndRetryAfterInsteadOfQueueingWithoutBound() {
        try (var app = TestApp.start(Map.of("CONDUIT_PASSWORD_HASH_CONCURRENCY", "1"), Clock.systemUTC())) {
            var http = new Http(app.baseUrl());
            var user = Users.register(http);
            var client = HttpClient.newHttpClient();
            var flood = new ArrayList<CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < 300; i++) {
                var request = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/users/login"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Users.login(user.email(), user.password())))
                        .build();
                flood.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }

            var statuses = flood.stream().map(CompletableFuture::join).toList();

            assertThat(statuses).allSatisfy(r -> assertThat(r.statusCode()).isIn(200, 503));
            assertThat(statuses).anySatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
            var shed = statuses.stream().filter(r -> r.statusCode() == 503).toList();
            assertThat(shed).isNotEmpty();
            assertThat(shed).allSatisfy(r -> {
                assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(r.body()).contains("\"password hashing\"");
            });
            assertThat(http.post("/api/users/login", Users.login(user.email(), user.password()))
                            .status())
                    .isEqualTo(200);
        }
    }
}
