package io.conduit.articles;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conduit.platform.NotFound;
import io.conduit.platform.Timestamps;
import io.conduit.platform.Violations;
import io.conduit.platform.json.JsonFields;
import io.conduit.profiles.ProfileView;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The wire format of articles: {@code {"article": {...}}} and {@code {"articles": [...], "articlesCount": n}}. */
final class ArticleJson {
    private ArticleJson() {}

    /** The request body {@code {"article": {...}}}, read field by field (absent, null and values differ). */
    record Envelope(@Nullable ObjectNode article) {}

    record SingleArticle(ArticleBody article) {}

    record MultipleArticles(List<ArticleBody> articles, long articlesCount) {}

    record Tags(List<String> tags) {}

    /** Lists leave {@code body} out entirely (absent, not null). */
    record ArticleBody(
            String slug,
            String title,
            String description,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String body,

            List<String> tagList,
            String createdAt,
            String updatedAt,
            boolean favorited,
            long favoritesCount,
            Author author) {}

    record Author(
            String username, @Nullable String bio, @Nullable String image, boolean following) {}

    static SingleArticle single(ArticlePage page) {
        return new SingleArticle(body(page, page.rows().getFirst()));
    }

    static MultipleArticles multiple(ArticlePage page) {
        return new MultipleArticles(
                page.rows().stream().map(row -> body(page, row)).toList(), page.total());
    }

    private static ArticleBody body(ArticlePage page, ArticleRow row) {
        ProfileView author = page.authors().get(row.authorId());
        if (author == null) {
            throw new NotFound("article"); // its author is gone
        }
        return new ArticleBody(
                row.slug(),
                row.title(),
                row.description(),
                row.body(),
                row.tags(),
                Timestamps.format(row.createdAt()),
                Timestamps.format(row.updatedAt()),
                row.favorited(),
                row.favoritesCount(),
                new Author(author.username(), author.bio(), author.image(), author.following()));
    }

    private static ObjectNode required(Envelope body) {
        if (body.article() == null) {
            throw new io.conduit.platform.Invalid("article", io.conduit.platform.Invalid.BLANK);
        }
        return body.article();
    }

    /** Reads {@code {"article": {...}}} of a create: title, description and body are required. */
    static NewArticle newArticle(Envelope body) {
        ObjectNode article = required(body);
        var v = new Violations();
        String title = JsonFields.requiredText(v, article, "title");
        String description = JsonFields.requiredText(v, article, "description");
        String text = JsonFields.requiredText(v, article, "body");
        List<String> tags = JsonFields.textList(v, article, "tagList");
        if (!v.has("title")) {
            ArticleRules.text(v, "title", title, ArticleRules.TITLE_MAX);
        }
        if (!v.has("description")) {
            ArticleRules.text(v, "description", description, ArticleRules.DESCRIPTION_MAX);
        }
        if (!v.has("body")) {
            ArticleRules.text(v, "body", text, ArticleRules.BODY_MAX);
        }
        List<String> clean = tags == null ? List.of() : ArticleRules.tags(v, tags);
        v.throwIfAny();
        return new NewArticle(title, description, text, clean);
    }

    /** Reads a partial update: absent keeps, {@code tagList: []} clears, null or blank is invalid. */
    static ArticleChanges changes(Envelope body) {
        ObjectNode article = required(body);
        var v = new Violations();
        String title = JsonFields.requiredText(v, article, "title");
        String description = JsonFields.requiredText(v, article, "description");
        String text = JsonFields.requiredText(v, article, "body");
        List<String> tags = JsonFields.textList(v, article, "tagList");
        if (title != null) {
            ArticleRules.text(v, "title", title, ArticleRules.TITLE_MAX);
        }
        if (description != null) {
            ArticleRules.text(v, "description", description, ArticleRules.DESCRIPTION_MAX);
        }
        if (text != null) {
            ArticleRules.text(v, "body", text, ArticleRules.BODY_MAX);
        }
        List<String> clean = tags == null ? null : ArticleRules.tags(v, tags);
        v.throwIfAny();
        return new ArticleChanges(title, description, text, clean);
    }
}
