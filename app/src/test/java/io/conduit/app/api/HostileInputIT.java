package io.conduit.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every route of the route table, with hostile values in its path, its query parameters (those
 * the OpenAPI document lists) and every field of its example body: NUL, lone surrogates, 10 KB
 * strings, SQL and JSON fragments, numbers where strings go, arrays where objects go, duplicate
 * keys, deep nesting. No answer is a 5xx, every answer with a body is JSON, and a refused request
 * changes no row in any module's tables.
 */
class HostileInputIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)}");
    private static final List<String> TEXTS = List.of(
            "\u0000",
            "a\u0000b",
            "\ud800",
            "x\udc00y",
            "x".repeat(10_000),
            "' or 1=1 --",
            "\"; drop table articles.article; --",
            "\"}{\"",
            "{\"$ne\":null}",
            "../../etc/passwd",
            "%00",
            "\u202e\ufeff");

    @RegisterExtension
    static final RunningApp app = new RunningApp();

    private static final Http http = app.http();
    private static ApiDocument api;

    @BeforeAll
    static void start() throws Exception {
        api = new ApiDocument(http);
        RowCounts.awaitOutbox(); // events left by earlier tests, so that their reactions do not move the counts
    }

    @TestFactory
    Stream<DynamicTest> everyRouteSurvivesHostileValuesWithoutA5xxAndRefusalsChangeNothing() {
        List<String> routes = app.routes().stream()
                .filter(route -> route.split(" ")[1].startsWith("/api/"))
                .filter(route -> !route.split(" ")[1].startsWith("/api/v1/"))
                .distinct()
                .toList();
        assertThat(routes).hasSizeGreaterThanOrEqualTo(20);
        return routes.stream().map(route -> DynamicTest.dynamicTest(route, () -> sweep(route)));
    }

    @Test
    void refusesTextTheDatabaseCannotStoreNamingTheField() throws Exception {
        var caller = Users.register(http);
        var before = RowCounts.now();
        var nulTitle = http.post(
                "/api/articles", ArticleRequests.article("a\u0000b", "d", "b", List.of()), Http.token(caller.token()));
        var surrogateBio = http.put("/api/user", "{\"user\":{\"bio\":\"x\\ud800\"}}", Http.token(caller.token()));
        var nulTag = http.post(
                "/api/articles",
                ArticleRequests.article("t", "d", "b", List.of("ok", "n\u0000l")),
                Http.token(caller.token()));
        var nulFilter = http.get("/api/articles?tag=%00");
        var nulAuthor = http.get("/api/articles?author=a%00b");

        assertThat(nulTitle.status()).isEqualTo(422);
        assertThat(nulTitle.errors()).containsKey("title");
        assertThat(surrogateBio.status()).isEqualTo(422);
        assertThat(surrogateBio.errors()).containsKey("bio");
        assertThat(nulTag.status()).isEqualTo(422);
        assertThat(nulTag.errors()).containsKey("tagList");
        assertThat(nulFilter.status()).isEqualTo(422);
        assertThat(nulFilter.errors()).containsKey("tag");
        assertThat(nulAuthor.status()).isEqualTo(422);
        assertThat(nulAuthor.errors()).containsKey("author");
        assertThat(RowCounts.now()).isEqualTo(before);
    }

    @Test
    void refusesAJsonBodyThatIsNotSentAsJsonAndChangesNothing() throws Exception {
        var caller = Users.register(http);
        var before = RowCounts.now();
        String body = ArticleRequests.article(Users.unique("Plain"), "d", "b", List.of());

        var plain = http.send(
                "POST",
                "/api/articles",
                body,
                "Content-Type",
                "text/plain",
                "Authorization",
                "Token " + caller.token());
        var form = http.send(
                "POST",
                "/api/articles",
                body,
                "Content-Type",
                "application/x-www-form-urlencoded",
                "Authorization",
                "Token " + caller.token());
        var withCharset = http.send(
                "POST",
                "/api/articles",
                body,
                "Content-Type",
                "application/json; charset=utf-8",
                "Authorization",
                "Token " + caller.token());

        assertThat(plain.status()).isEqualTo(415);
        assertThat(plain.errors()).containsKey("Content-Type");
        assertThat(form.status()).isEqualTo(415);
        assertThat(withCharset.status()).isEqualTo(201);
        var after = RowCounts.now();
        assertThat(after.get("articles.article")).isEqualTo(before.get("articles.article") + 1);
    }

    private static void sweep(String route) throws Exception {
        String method = route.split(" ")[0];
        String template = route.split(" ")[1];
        var caller = Users.register(http); // a route may end the caller's sessions: one caller per route
        var requests = new ArrayList<String[]>(); // path, body
        for (String text : TEXTS) {
            requests.add(new String[] {fill(template, text), body(method, template)});
        }
        for (String name : api.queryParameters(method, template)) {
            for (String text : TEXTS) {
                requests.add(new String[] {
                    fill(template, "x") + "?" + name + "=" + URLEncoder.encode(text, StandardCharsets.UTF_8), null
                });
            }
        }
        JsonNode example = api.uniqueExample(method, template);
        if (example != null) {
            for (String variant : bodyVariants(example)) {
                requests.add(new String[] {fill(template, "x"), variant});
            }
        }
        for (String[] request : requests) {
            check(method, request[0], request[1], caller.token());
        }
    }

    private static void check(String method, String path, String body, String token) throws Exception {
        var before = RowCounts.now();

        var response = http.send(method, path, body, "Authorization", "Token " + token);

        String what = method + " " + abbreviate(path) + " " + abbreviate(body) + " -> " + response.status() + " "
                + abbreviate(response.body());
        assertThat(response.status()).as(what).isLessThan(500);
        if (!response.body().isEmpty()) {
            assertThat(response.header("Content-Type")).as(what).startsWith("application/json");
            MAPPER.readTree(response.body());
        }
        if (response.status() >= 400) {
            assertThat(RowCounts.now())
                    .as("a refused request changed rows: " + what)
                    .isEqualTo(before);
        }
    }

    /** The path with every parameter set to {@code value}, percent-encoded as a client library would. */
    private static String fill(String template, String value) {
        return PARAMETER
                .matcher(template)
                .replaceAll(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private static String body(String method, String template) {
        JsonNode example = api.uniqueExample(method, template);
        return example == null ? null : example.toString();
    }

    /** Each leaf of the example replaced in turn, plus whole-body shapes no client should send. */
    private static List<String> bodyVariants(JsonNode example) {
        var variants = new ArrayList<String>();
        List<JsonNode> replacements = new ArrayList<>();
        TEXTS.forEach(t -> replacements.add(new TextNode(t)));
        replacements.add(new IntNode(12345));
        replacements.add(MAPPER.createArrayNode().add(1).add("two"));
        replacements.add(MAPPER.createObjectNode().put("nested", "object"));
        replacements.add(MAPPER.nullNode());
        for (List<String> leaf : leaves(example, new ArrayList<>())) {
            for (JsonNode replacement : replacements) {
                JsonNode copy = example.deepCopy();
                set(copy, leaf, replacement);
                variants.add(copy.toString());
            }
        }
        String root = example.fieldNames().next();
        variants.add("[" + example + "]");
        variants.add("{\"" + root + "\": [" + example.get(root) + "]}");
        variants.add("{\"" + root + "\": " + example.get(root) + ", \"" + root + "\": {}}");
        variants.add("{\"" + root + "\": " + "{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000) + "}");
        variants.add("{\"" + root + "\": " + example.get(root) + "}garbage");
        variants.add("");
        variants.add("null");
        return variants;
    }

    private static List<List<String>> leaves(JsonNode node, List<String> at) {
        var found = new ArrayList<List<String>>();
        if (node.isObject()) {
            node.properties().forEach(field -> {
                var path = new ArrayList<>(at);
                path.add(field.getKey());
                found.addAll(leaves(field.getValue(), path));
            });
        } else {
            found.add(at);
        }
        return found;
    }

    private static void set(JsonNode root, List<String> path, JsonNode value) {
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) {
            parent = parent.get(path.get(i));
        }
        ((ObjectNode) parent).set(path.getLast(), value);
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > 120 ? text.substring(0, 120) + "…(" + text.length() + ")" : text;
    }
}
