package io.conduit.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The project's own OpenAPI document, as the server serves it, read by the tests that cover every
 * route generically: the operation of a route, its query parameters, and its request body example
 * made unique for one run (so that registering twice does not collide).
 */
final class ApiDocument {
    private static final AtomicLong RUNS = new AtomicLong();
    private final JsonNode document;

    ApiDocument(Http http) {
        this.document = http.get("/api/openapi.json").json();
    }

    /** The operation of {@code METHOD /api/path}; a missing node when the document lacks it. */
    JsonNode operation(String method, String template) {
        return document.path("paths").path(template.substring("/api".length())).path(method.toLowerCase(Locale.ROOT));
    }

    /** The names of the route's query parameters. */
    List<String> queryParameters(String method, String template) {
        var names = new ArrayList<String>();
        for (JsonNode parameter : operation(method, template).path("parameters")) {
            JsonNode resolved = resolve(parameter);
            if (resolved.path("in").asText().equals("query")) {
                names.add(resolved.path("name").asText());
            }
        }
        return names;
    }

    /** The JSON request body of the operation (its schema and example); missing when it takes none. */
    JsonNode requestBody(String method, String template) {
        return resolve(operation(method, template).path("requestBody"))
                .path("content")
                .path("application/json");
    }

    /** The operation's body example with every text made unique for this run; null when it takes no body. */
    JsonNode uniqueExample(String method, String template) {
        JsonNode example = requestBody(method, template).path("example");
        if (example.isMissingNode()) {
            return null;
        }
        String suffix = Long.toString(RUNS.incrementAndGet(), 36) + Long.toString(System.nanoTime() % 1_000_000, 36);
        return unique(example.deepCopy(), suffix);
    }

    private JsonNode resolve(JsonNode node) {
        if (!node.has("$ref")) {
            return node;
        }
        JsonNode target = document;
        for (String part : node.get("$ref").asText().substring(2).split("/")) {
            target = target.path(part);
        }
        return target;
    }

    private static JsonNode unique(JsonNode node, String suffix) {
        if (node.isTextual()) {
            String text = node.asText();
            int at = text.indexOf('@');
            return new TextNode(
                    at > 0 ? text.substring(0, at) + "." + suffix + text.substring(at) : text + "-" + suffix);
        }
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> field.setValue(unique(field.getValue(), suffix)));
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, unique(array.get(i), suffix));
            }
        }
        return node;
    }
}
