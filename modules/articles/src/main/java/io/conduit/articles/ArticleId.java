package io.conduit.articles;

/** The id of an article. */
public record ArticleId(long value) {
    public ArticleId {
        if (value <= 0) {
            throw new IllegalArgumentException("an article id is positive: " + value);
        }
    }
}
