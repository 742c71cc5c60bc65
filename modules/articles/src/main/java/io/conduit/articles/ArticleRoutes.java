package io.conduit.articles;

import io.conduit.platform.Sha256;
import io.conduit.platform.UserId;
import io.conduit.platform.http.Access;
import io.conduit.platform.http.BodyTag;
import io.conduit.platform.http.Caller;
import io.conduit.platform.http.ContentCache;
import io.conduit.platform.http.Requests;
import io.conduit.platform.http.Responses;
import io.conduit.platform.json.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * {@code /articles}, {@code /articles/feed}, {@code /articles/{slug}}, favorites and {@code /tags}.
 *
 * <p>Reads of articles are made of a shared part, the page as an anonymous reader sees it (with its
 * JSON, made once), kept in the {@link ContentCache} until public content changes, the favorites
 * counts as kept now, and the caller's own flags ({@code favorited}, {@code following}) put on from
 * their kept favorites and follows. A caller with no flag on a page whose counts are unchanged gets
 * the shared JSON as it is.
 */
final class ArticleRoutes {
    private final ArticleService articles;
    private final ContentCache cache;

    ArticleRoutes(ArticleService articles, ContentCache cache) {
        this.articles = articles;
        this.cache = cache;
    }

    void register(RoutesConfig routes, String prefix) {
        routes.get(prefix + "/articles", this::list, Access.OPTIONAL_USER);
        routes.get(prefix + "/articles/feed", this::feed, Access.USER);
        routes.post(prefix + "/articles", this::create, Access.USER);
        routes.get(prefix + "/articles/{slug}", this::get, Access.OPTIONAL_USER);
        routes.put(prefix + "/articles/{slug}", this::update, Access.USER);
        routes.delete(prefix + "/articles/{slug}", this::delete, Access.USER);
        routes.post(prefix + "/articles/{slug}/favorite", ctx -> favorite(ctx, true), Access.USER);
        routes.delete(prefix + "/articles/{slug}/favorite", ctx -> favorite(ctx, false), Access.USER);
        routes.get(prefix + "/tags", cache.anonymous(this::tags, List.of(ArticlesModule.LISTS)), Access.PUBLIC);
    }

    private void list(Context ctx) {
        var page = PageRequest.of(ctx.queryParam("limit"), ctx.queryParam("offset"));
        String tag = nonEmpty(ctx.queryParam("tag"));
        String author = nonEmpty(ctx.queryParam("author"));
        String favorited = nonEmpty(ctx.queryParam("favorited"));
        String key = key("articles", "tag", tag, "author", author, "favorited", favorited) + page.key();
        List<String> scopes = favorited != null
                ? List.of(ArticlesModule.FAVORITED)
                : tag != null ? List.of(ArticlesModule.tag(tag)) : List.of(ArticlesModule.LISTS);
        respond(
                ctx,
                key,
                scopes,
                () -> Shared.multiple(articles.list(tag, author, favorited, page, Optional.empty())),
                ArticleJson::multiple);
    }

    private void feed(Context ctx) {
        var page = PageRequest.of(ctx.queryParam("limit"), ctx.queryParam("offset"));
        UserId viewer = Requests.caller(ctx).userId();
        Set<UserId> followed = articles.followedBy(viewer);
        String authors = followed.stream()
                .map(UserId::value)
                .sorted()
                .map(String::valueOf)
                .collect(Collectors.joining(","));
        String key = "feed?authors=" + Sha256.hex(authors) + page.key();
        List<String> scopes = followed.size() > ArticlesModule.FEED_SCOPES
                ? List.of(ArticlesModule.LISTS)
                : followed.stream().map(ArticlesModule::author).toList();
        respond(
                ctx,
                key,
                scopes,
                () -> Shared.multiple(articles.feedOf(followed, page, Optional.empty())),
                ArticleJson::multiple);
    }

    private void get(Context ctx) {
        String slug = ctx.pathParam("slug");
        respond(
                ctx,
                key("article", "slug", slug),
                List.of(ArticlesModule.article(slug)),
                () -> Shared.single(articles.get(slug, Optional.empty())),
                ArticleJson::single);
    }

    /**
     * The shared JSON, or for a caller with flags on this page, the page with them put on. {@code
     * X-Cache: hit} when the whole response came from the cache.
     */
    private void respond(
            Context ctx, String key, List<String> scopes, Supplier<Shared> load, Function<ArticlePage, Object> json) {
        var loads = new AtomicBoolean();
        Shared shared = cache.shared(key, scopes, () -> {
            loads.set(true);
            return load.get();
        });
        boolean loaded = loads.get();
        Optional<UserId> viewer = Requests.optionalCaller(ctx).map(Caller::userId);
        ArticlePage seen = articles.present(shared.page(), viewer);
        if (seen != shared.page()) {
            Responses.json(ctx, json.apply(seen));
            return;
        }
        if (!loaded) {
            ctx.header("X-Cache", "hit");
        }
        Responses.kept(ctx, shared.json(), shared.tag());
    }

    /** A cache key naming every parameter, each value encoded so none can pass for another. */
    private static String key(String kind, String... namesAndValues) {
        var key = new StringBuilder(kind).append('?');
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            key.append(namesAndValues[i])
                    .append('=')
                    .append(value == null ? "" : "'" + URLEncoder.encode(value, StandardCharsets.UTF_8))
                    .append('&');
        }
        return key.toString();
    }

    /** A page as an anonymous reader sees it, its JSON and the JSON's {@code ETag}. */
    private record Shared(ArticlePage page, byte[] json, String tag) {
        Shared(ArticlePage page, byte[] json) {
            this(page, json, BodyTag.of(json));
        }

        static Shared multiple(ArticlePage page) {
            return new Shared(page, Json.bytes(ArticleJson.multiple(page)));
        }

        static Shared single(ArticlePage page) {
            return new Shared(page, Json.bytes(ArticleJson.single(page)));
        }
    }

    private void create(Context ctx) {
        var article = ArticleJson.newArticle(Requests.body(ctx, ArticleJson.Envelope.class));
        ctx.status(HttpStatus.CREATED);
        Responses.json(
                ctx, ArticleJson.single(articles.create(Requests.caller(ctx).userId(), article)));
    }

    private void update(Context ctx) {
        var changes = ArticleJson.changes(Requests.body(ctx, ArticleJson.Envelope.class));
        Responses.json(
                ctx,
                ArticleJson.single(articles.update(Requests.caller(ctx).userId(), ctx.pathParam("slug"), changes)));
    }

    private void delete(Context ctx) {
        articles.delete(Requests.caller(ctx).userId(), ctx.pathParam("slug"));
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void favorite(Context ctx, boolean favorite) {
        Responses.json(
                ctx,
                ArticleJson.single(articles.favorite(Requests.caller(ctx).userId(), ctx.pathParam("slug"), favorite)));
    }

    private void tags(Context ctx) {
        Responses.json(ctx, new ArticleJson.Tags(articles.tags()));
    }

    private static @Nullable String nonEmpty(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
