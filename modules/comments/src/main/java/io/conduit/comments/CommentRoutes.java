package io.conduit.comments;

import io.conduit.platform.http.Access;
import io.conduit.platform.http.Caller;
import io.conduit.platform.http.Requests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/** {@code GET|POST /articles/{slug}/comments} and {@code DELETE /articles/{slug}/comments/{id}}. */
final class CommentRoutes {
    private final CommentService comments;

    CommentRoutes(CommentService comments) {
        this.comments = comments;
    }

    void register(RoutesConfig routes, String prefix) {
        routes.get(prefix + "/articles/{slug}/comments", this::list, Access.OPTIONAL_USER);
        routes.post(prefix + "/articles/{slug}/comments", this::add, Access.USER);
        routes.delete(prefix + "/articles/{slug}/comments/{id}", this::delete, Access.USER);
    }

    private void list(Context ctx) {
        var viewer = Requests.optionalCaller(ctx).map(Caller::userId);
        ctx.json(CommentJson.multiple(comments.list(ctx.pathParam("slug"), viewer)));
    }

    private void add(Context ctx) {
        String body = CommentJson.body(Requests.body(ctx, CommentJson.NewCommentRequest.class));
        var page = comments.add(Requests.caller(ctx).userId(), ctx.pathParam("slug"), body);
        ctx.status(HttpStatus.CREATED).json(CommentJson.single(page));
    }

    private void delete(Context ctx) {
        comments.delete(Requests.caller(ctx).userId(), ctx.pathParam("slug"), ctx.pathParam("id"));
        ctx.status(HttpStatus.NO_CONTENT);
    }
}
