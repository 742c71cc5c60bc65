package io.conduit.comments;

import io.conduit.platform.UserId;
import io.conduit.platform.http.Access;
import io.conduit.platform.http.BodyTag;
import io.conduit.platform.http.Caller;
import io.conduit.platform.http.ContentCache;
import io.conduit.platform.http.Requests;
import io.conduit.platform.http.Responses;
import io.conduit.platform.json.Json;
import io.conduit.profiles.ProfileView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * {@code GET|POST /articles/{slug}/comments} and {@code DELETE /articles/{slug}/comments/{id}}. An
 * article's comments as an anonymous reader sees them (and their JSON) are kept in the {@link
 * ContentCache} until they or the article change; a signed-in caller gets them with the {@code
 * following} flags of the authors they follow put on.
 */
final class CommentRoutes {
    private final CommentService comments;
    private final ContentCache cache;

    CommentRoutes(CommentService comments, ContentCache cache) {
        this.comments = comments;
        this.cache = cache;
    }

    void register(RoutesConfig routes, String prefix) {
        routes.get(prefix + "/articles/{slug}/comments", this::list, Access.OPTIONAL_USER);
        routes.post(prefix + "/articles/{slug}/comments", this::add, Access.USER);
        routes.delete(prefix + "/articles/{slug}/comments/{id}", this::delete, Access.USER);
    }

    private void list(Context ctx) {
        String slug = ctx.pathParam("slug");
        var loads = new AtomicBoolean();
        Shared shared = cache.shared(
                "comments?slug=" + URLEncoder.encode(slug, StandardCharsets.UTF_8),
                CommentsModule.cacheScopes(slug),
                () -> {
                    loads.set(true);
                    CommentPage page = comments.list(slug, Optional.empty());
                    byte[] json = Json.bytes(CommentJson.multiple(page));
                    return new Shared(page, json, BodyTag.of(json));
                });
        Optional<UserId> viewer = Requests.optionalCaller(ctx).map(Caller::userId);
        if (viewer.isPresent()) {
            Set<UserId> followed = comments.followedBy(viewer.get());
            if (shared.page().authors().keySet().stream().anyMatch(followed::contains)) {
                Responses.json(ctx, CommentJson.multiple(seenBy(shared.page(), followed)));
                return;
            }
        }
        if (!loads.get()) {
            ctx.header("X-Cache", "hit");
        }
        Responses.kept(ctx, shared.json(), shared.tag());
    }

    /** {@code page} with {@code following} set on the authors in {@code followed}. */
    private static CommentPage seenBy(CommentPage page, Set<UserId> followed) {
        var authors = page.authors().values().stream()
                .map(a -> new ProfileView(a.id(), a.username(), a.bio(), a.image(), followed.contains(a.id())))
                .collect(Collectors.toUnmodifiableMap(ProfileView::id, a -> a));
        return new CommentPage(page.rows(), authors);
    }

    /** An article's comments as an anonymous reader sees them, their JSON and its {@code ETag}. */
    private record Shared(CommentPage page, byte[] json, String tag) {}

    private void add(Context ctx) {
        String body = CommentJson.body(Requests.body(ctx, CommentJson.NewCommentRequest.class));
        var page = comments.add(Requests.caller(ctx).userId(), ctx.pathParam("slug"), body);
        ctx.status(HttpStatus.CREATED);
        Responses.json(ctx, CommentJson.single(page));
    }

    private void delete(Context ctx) {
        comments.delete(Requests.caller(ctx).userId(), ctx.pathParam("slug"), ctx.pathParam("id"));
        ctx.status(HttpStatus.NO_CONTENT);
    }
}
