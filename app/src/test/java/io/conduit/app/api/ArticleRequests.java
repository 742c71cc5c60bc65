package io.conduit.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Request bodies and shortcuts for the article tests. */
final class ArticleRequests {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ArticleRequests() {}

    static String article(String title, String description, String body, List<String> tags) {
        ObjectNode article = MAPPER.createObjectNode();
        article.put("title", title).put("description", description).put("body", body);
        var tagList = article.putArray("tagList");
        tags.forEach(tagList::add);
        return MAPPER.createObjectNode().set("article", article).toString();
    }

    /** Creates an article and returns its JSON ({@code article} object). */
    static JsonNode create(Http http, String token, String title, List<String> tags) {
        var response = http.post(
                "/api/articles", article(title, "about " + title, "the body of " + title, tags), Http.token(token));
        if (response.status() != 201) {
            throw new IllegalStateException("create failed: " + response.status() + " " + response.body());
        }
        return response.json().get("article");
    }

    static String comment(String body) {
        return MAPPER.createObjectNode()
                .set("comment", MAPPER.createObjectNode().put("body", body))
                .toString();
    }

    static List<String> slugs(Http.Response list) {
        var slugs = new java.util.ArrayList<String>();
        list.json().get("articles").forEach(a -> slugs.add(a.get("slug").asText()));
        return slugs;
    }
}
