package io.conduit.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests the HTTP server itself refuses, before any route runs, sent raw over a socket: every
 * answer is the API's JSON error shape with {@code application/json; charset=utf-8}, and nothing
 * names the server, its version or a stack.
 */
class HttpEdgeIT {
    private static final String CLOSE = "Host: localhost\r\nConnection: close\r\n";

    @RegisterExtension
    static final RunningApp app = new RunningApp();

    static Stream<Arguments> refusals() {
        String longQuery = "/api/articles?tag=" + "x".repeat(9_000);
        String longPath = "/api/articles/" + "x".repeat(20_000);
        return Stream.of(
                Arguments.of("percent-encoded NUL in a path", get("/api/articles/%00"), List.of(400, 422)),
                Arguments.of("NUL inside a path segment", get("/api/profiles/a%00b"), List.of(400, 422)),
                Arguments.of("malformed escape", get("/api/articles/%zz"), List.of(400)),
                Arguments.of("dot-dot segment", get("/api/../api/tags"), List.of(400, 404)),
                Arguments.of("encoded dot-dot segment", get("/api/articles/%2e%2e/x"), List.of(400, 404)),
                Arguments.of("encoded slash", get("/api/articles/a%2fb"), List.of(400, 404)),
                Arguments.of("9,000-character query value", get(longQuery), List.of(414, 431)),
                Arguments.of("20,000-character path", get(longPath), List.of(414, 431)),
                Arguments.of(
                        "20 KB header",
                        "GET /api/tags HTTP/1.1\r\n" + CLOSE + "X-Big: " + "y".repeat(20_000) + "\r\n\r\n",
                        List.of(431)),
                Arguments.of("unknown HTTP version", "GET /api/tags HTTP/1.7\r\n" + CLOSE + "\r\n", List.of(505, 400)),
                Arguments.of("garbage request line", "GARBAGE\r\n\r\n", List.of(400)),
                Arguments.of(
                        "unsupported transfer coding",
                        "POST /api/articles HTTP/1.1\r\n" + CLOSE + "Transfer-Encoding: gzip\r\n\r\n",
                        List.of(501, 400)),
                Arguments.of(
                        "malformed Content-Length",
                        "POST /api/articles HTTP/1.1\r\n" + CLOSE + "Content-Length: abc\r\n\r\n",
                        List.of(400)),
                Arguments.of(
                        "body over the limit",
                        "POST /api/users HTTP/1.1\r\n" + CLOSE + "Content-Type: application/json\r\nContent-Length: "
                                + 2_000_000 + "\r\n\r\n" + "{".repeat(2_000_000),
                        List.of(413)),
                Arguments.of("unknown route", get("/api/nothing-here"), List.of(404)),
                Arguments.of("wrong method", "PATCH /api/tags HTTP/1.1\r\n" + CLOSE + "\r\n", List.of(405)),
                Arguments.of(
                        "JSON sent as text/plain",
                        "POST /api/users HTTP/1.1\r\n" + CLOSE
                                + "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}",
                        List.of(415)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void answersInTheApiErrorShape(String what, String request, List<Integer> statuses) {
        var response = RawHttp.send(app.port(), request);

        assertThat(response.status()).as(what + ": " + response.body()).isIn(statuses);
        assertThat(response.headers().get("content-type"))
                .as(what + ": " + response.body())
                .matches("application/json; ?charset=utf-8");
        var errors = response.json().get("errors");
        assertThat(errors.isObject()).as(response.body()).isTrue();
        assertThat(errors.size()).isEqualTo(1);
        errors.properties().forEach(field -> {
            assertThat(field.getValue().isArray()).isTrue();
            assertThat(field.getValue().get(0).isTextual()).isTrue();
        });
        assertThat(response.body())
                .doesNotContainIgnoringCase("jetty")
                .doesNotContain("<")
                .doesNotContain("at io.");
        assertThat(response.headers()).doesNotContainKey("server").doesNotContainKey("x-powered-by");
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\n" + CLOSE + "\r\n";
    }
}
