package io.conduit.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.TestApp;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP kernel: error format everywhere, request ids, CORS, limits, health and metrics. */
class PlatformApiIT {
    @RegisterExtension
    static final RunningApp app = RunningApp.with(Map.of(
            "CONDUIT_CORS_ORIGINS", "https://app.example.com, https://other.example.com",
            "CONDUIT_MAX_REQUEST_BYTES", "4096"));

    private static final Http http = app.http();

    @Test
    void answersUnknownRoutesWith404InTheErrorFormat() {
        var response = http.get("/api/no-such-thing");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.header("Content-Type").replace(" ", "")).isEqualTo("application/json;charset=utf-8");
        assertThat(response.errors()).containsEntry("route", "not found");
    }

    @Test
    void answersAWrongMethodWith405NamingTheAllowedOnes() {
        var response = http.send("PATCH", "/api/user", "{}");

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.errors()).containsEntry("method", "not allowed");
        assertThat(response.header("Allow")).contains("GET").contains("PUT");
    }

    @Test
    void answersATooLargeBodyWith413InTheErrorFormat() {
        String big = "{\"user\":{\"username\":\"" + "x".repeat(8_000) + "\"}}";

        var response = http.post("/api/users", big);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.errors()).containsEntry("body", "is too large");
    }

    @Test
    void echoesTheCallersRequestIdOrMakesOne() {
        var given = http.get("/health/live", "X-Request-Id", "client-id-123");
        var fromAlb = http.get("/health/live", "X-Amzn-Trace-Id", "Root=1-67891233-abcdef012345678912345678");
        var fresh = http.get("/health/live");
        var unsafe = http.get("/health/live", "X-Request-Id", "bad id with spaces");

        assertThat(given.header("X-Request-Id")).isEqualTo("client-id-123");
        assertThat(fromAlb.header("X-Request-Id")).isEqualTo("Root=1-67891233-abcdef012345678912345678");
        assertThat(fresh.header("X-Request-Id")).hasSize(36);
        assertThat(unsafe.header("X-Request-Id"))
                .isNotEqualTo("bad id with spaces")
                .hasSize(36);
    }

    @Test
    void answersCorsPreflightsNamingAuthorizationContentTypeAndIdempotencyKey() {
        var response = http.send(
                "OPTIONS",
                "/api/user",
                null,
                "Origin",
                "https://app.example.com",
                "Access-Control-Request-Method",
                "PUT",
                "Access-Control-Request-Headers",
                "authorization,content-type");

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(response.header("Access-Control-Allow-Headers"))
                .contains("Authorization")
                .contains("Content-Type")
                .contains("Idempotency-Key");
        assertThat(response.header("Access-Control-Allow-Methods"))
                .contains("PUT")
                .contains("DELETE");
    }

    @Test
    void sendsCorsHeadersOnlyToConfiguredOrigins() {
        var allowed = http.get("/api/user", "Origin", "https://other.example.com");
        var refused = http.get("/api/user", "Origin", "https://evil.example.com");

        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://other.example.com");
        assertThat(allowed.header("Vary")).contains("Origin");
        assertThat(refused.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void reportsLivenessAndReadinessWithEachDependency() {
        var live = http.get("/health/live");
        var ready = http.get("/health/ready");

        assertThat(live.status()).isEqualTo(200);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().at("/checks/postgres").asText()).isEqualTo("UP");
        assertThat(ready.json().at("/checks/redis").asText()).isEqualTo("UP");
    }

    @Test
    void tagsSuccessfulGetsWithAnETagAndAnswers304WhenItMatches() {
        var first = http.get("/api/tags");
        String etag = first.header("ETag");

        var again = http.get("/api/tags", "If-None-Match", etag);
        var stale = http.get("/api/tags", "If-None-Match", "\"something-else\"");

        assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
        assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(stale.status()).isEqualTo(200);
        assertThat(http.get("/api/no-such-route").header("ETag")).isNull();
    }

    @Test
    void takesTheClientAddressFromTheTrustedHopOfXForwardedForOnly() {
        try (var log = new AccessLogCapture();
                var behindAlb = TestApp.start(Map.of("CONDUIT_TRUSTED_PROXY_HOPS", "1"), Clock.systemUTC())) {
            var viaAlb = new Http(behindAlb.baseUrl());

            viaAlb.get("/health/live", "X-Request-Id", "xff-1", "X-Forwarded-For", "6.6.6.6, 203.0.113.7");
            viaAlb.get("/health/live", "X-Request-Id", "xff-2");
            http.get("/health/live", "X-Request-Id", "xff-3", "X-Forwarded-For", "203.0.113.7");

            assertThat(log.field("xff-1", "clientIp")).isEqualTo("203.0.113.7");
            assertThat(log.field("xff-2", "clientIp")).isEqualTo("127.0.0.1");
            assertThat(log.field("xff-3", "clientIp")).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void servesPrometheusMetricsOnTheAdminPortOnly() {
        Users.register(http);
        http.get("/api/user");

        var metrics = new Http(app.adminUrl()).get("/metrics");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("http_server_requests_seconds_bucket")
                .contains("route=\"/api/users\"")
                .contains("route=\"/api/user\",status=\"401\"")
                .contains("hikaricp_connections_active")
                .contains("commons_pool2_num_active")
                .contains("jvm_memory_used_bytes");
        assertThat(http.get("/metrics").status()).isEqualTo(404);
    }
}
