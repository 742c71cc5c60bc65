package io.conduit.articles;

import io.conduit.platform.http.Access;
import io.conduit.platform.http.AnonymousCache;
import io.conduit.platform.http.Caller;
import io.conduit.platform.http.Requests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.jspecify.annotations.Nullable;

/** {@code /articles}, {@code /articles/feed}, {@code /articles/{slug}}, favorites and {@code /tags}. */
final class ArticleRoutes {
    private final ArticleService articles;
    private final AnonymousCache cache;

    ArticleRoutes(ArticleService articles, AnonymousCache cache) {
        this.articles = articles;
        this.cache = cache;
    }

    void register(RoutesConfig routes, String prefix) {
        routes.get(prefix + "/articles", cache.anonymous(this::list), Access.OPTIONAL_USER);
        routes.get(prefix + "/articles/feed", this::feed, Access.USER);
        routes.post(prefix + "/articles", this::create, Access.USER);
        routes.get(prefix + "/articles/{slug}", cache.anonymous(this::get), Access.OPTIONAL_USER);
        routes.put(prefix + "/articles/{slug}", this::update, Access.USER);
        routes.delete(prefix + "/articles/{slug}", this::delete, Access.USER);
        routes.post(prefix + "/articles/{slug}/favorite", ctx -> favorite(ctx, true), Access.USER);
        routes.delete(prefix + "/articles/{slug}/favorite", ctx -> favorite(ctx, false), Access.USER);
        routes.get(prefix + "/tags", cache.anonymous(this::tags), Access.PUBLIC);
    }

    private void list(Context ctx) {
        var page = PageRequest.of(ctx.queryParam("limit"), ctx.queryParam("offset"));
        var viewer = Requests.optionalCaller(ctx).map(Caller::userId);
        ctx.json(ArticleJson.multiple(articles.list(
                nonEmpty(ctx.queryParam("tag")),
                nonEmpty(ctx.queryParam("author")),
                nonEmpty(ctx.queryParam("favorited")),
                page,
                viewer)));
    }

    private void feed(Context ctx) {
        var page = PageRequest.of(ctx.queryParam("limit"), ctx.queryParam("offset"));
        ctx.json(ArticleJson.multiple(articles.feed(Requests.caller(ctx).userId(), page)));
    }

    private void create(Context ctx) {
        var article = ArticleJson.newArticle(Requests.body(ctx, ArticleJson.Envelope.class));
        ctx.status(HttpStatus.CREATED)
                .json(ArticleJson.single(articles.create(Requests.caller(ctx).userId(), article)));
    }

    private void get(Context ctx) {
        var viewer = Requests.optionalCaller(ctx).map(Caller::userId);
        ctx.json(ArticleJson.single(articles.get(ctx.pathParam("slug"), viewer)));
    }

    private void update(Context ctx) {
        var changes = ArticleJson.changes(Requests.body(ctx, ArticleJson.Envelope.class));
        ctx.json(ArticleJson.single(articles.update(Requests.caller(ctx).userId(), ctx.pathParam("slug"), changes)));
    }

    private void delete(Context ctx) {
        articles.delete(Requests.caller(ctx).userId(), ctx.pathParam("slug"));
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void favorite(Context ctx, boolean favorite) {
        ctx.json(ArticleJson.single(articles.favorite(Requests.caller(ctx).userId(), ctx.pathParam("slug"), favorite)));
    }

    private void tags(Context ctx) {
        ctx.json(new ArticleJson.Tags(articles.tags()));
    }

    private static @Nullable String nonEmpty(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
