package io.conduit.articles;

import java.util.List;

/** A validated new article; tags are trimmed, unique and sorted. */
record NewArticle(String title, String description, String body, List<String> tags) {
    NewArticle {
        tags = List.copyOf(tags);
    }
}
