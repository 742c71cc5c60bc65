package io.conduit.app.api;

import static io.conduit.app.api.ArticleRequests.article;
import static io.conduit.app.api.Http.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Idempotency-Key: replays byte for byte, acts once, refuses a changed request and a running duplicate. */
class IdempotencyIT {
    private static TestApp app;
    private static TestApp other;
    private static Http http;

    @BeforeAll
    static void start() {
        app = TestApp.start();
        other = TestApp.start();
        http = new Http(app.baseUrl());
    }

    @AfterAll
    static void stop() {
        app.close();
        other.close();
    }

    @Test
    void replaysTheFirstResponseByteForByteWithoutActingAgainOnAnyInstance() {
        var author = Users.register(http);
        String key = UUID.randomUUID().toString();
        String body = article(Users.unique("Once"), "d", "b", List.of("x"));

        var first =
                http.post("/api/articles", body, "Idempotency-Key", key, "Authorization", "Token " + author.token());
        var retry = new Http(other.baseUrl())
                .post("/api/articles", body, "Idempotency-Key", key, "Authorization", "Token " + author.token());

        assertThat(first.status()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(http.get("/api/articles?author=" + author.username())
                        .json()
                        .get("articlesCount")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void refusesTheSameKeyWithADifferentBodyWith422() {
        var author = Users.register(http);
        String key = UUID.randomUUID().toString();
        http.post(
                "/api/articles",
                article(Users.unique("First"), "d", "b", List.of()),
                "Idempotency-Key",
                key,
                "Authorization",
                "Token " + author.token());

        var changed = http.post(
                "/api/articles",
                article(Users.unique("Second"), "d", "b", List.of()),
                "Idempotency-Key",
                key,
                "Authorization",
                "Token " + author.token());

        assertThat(changed.status()).isEqualTo(422);
        assertThat(changed.errors()).containsKey("Idempotency-Key");
        assertThat(http.get("/api/articles?author=" + author.username())
                        .json()
                        .get("articlesCount")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void actsOnceForConcurrentDuplicatesAndAnswersTheRunningOnesWith409() throws Exception {
        var author = Users.register(http);
        String key = UUID.randomUUID().toString();
        String body = article(Users.unique("Raced"), "d", "b", List.of());
        var client = HttpClient.newHttpClient();
        var responses = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 12; i++) {
            String base = i % 2 == 0 ? app.baseUrl() : other.baseUrl();
            responses.add(client.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + "/api/articles"))
                            .header("Content-Type", "application/json")
                            .header("Idempotency-Key", key)
                            .header("Authorization", "Token " + author.token())
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }

        var statuses = responses.stream()
                .map(CompletableFuture::join)
                .map(HttpResponse::statusCode)
                .toList();

        assertThat(statuses).allSatisfy(status -> assertThat(status).isIn(201, 409));
        assertThat(statuses).contains(201);
        assertThat(http.get("/api/articles?author=" + author.username())
                        .json()
                        .get("articlesCount")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void scopesKeysToTheCaller() {
        var first = Users.register(http);
        var second = Users.register(http);
        String key = UUID.randomUUID().toString();

        var a = http.post(
                "/api/articles",
                article(Users.unique("Mine"), "d", "b", List.of()),
                "Idempotency-Key",
                key,
                "Authorization",
                "Token " + first.token());
        var b = http.post(
                "/api/articles",
                article(Users.unique("Yours"), "d", "b", List.of()),
                "Idempotency-Key",
                key,
                "Authorization",
                "Token " + second.token());

        assertThat(a.status()).isEqualTo(201);
        assertThat(b.status()).isEqualTo(201);
        assertThat(b.header("Idempotent-Replayed")).isNull();
    }

    @Test
    void boundsTheKeyLength() {
        var user = Users.register(http);

        var tooLong = http.put(
                "/api/user",
                "{\"user\":{\"bio\":\"x\"}}",
                "Idempotency-Key",
                "k".repeat(256),
                "Authorization",
                "Token " + user.token());

        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(tooLong.errors()).containsKey("Idempotency-Key");
        assertThat(http.get("/api/user", token(user.token()))
                        .json()
                        .at("/user/bio")
                        .isNull())
                .isTrue();
    }
}
