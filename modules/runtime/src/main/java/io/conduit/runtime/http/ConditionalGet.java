package io.conduit.runtime.http;

import io.conduit.platform.http.BodyTag;
import io.conduit.platform.http.Responses;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.ByteArrayInputStream;
import java.io.InputStream;

/**
 * A strong {@code ETag} on every successful GET, from a digest of the body (or the {@link BodyTag} a
 * route computed once for the bytes it keeps); Javalin answers 304
 * when {@code If-None-Match} carries it. Responses to a signed-in caller are {@code private}.
 */
final class ConditionalGet {
    private ConditionalGet() {}

    static void apply(Context ctx) {
        if (ctx.method() != HandlerType.GET || ctx.statusCode() != 200) {
            return;
        }
        InputStream result = ctx.resultInputStream();
        if (!(result instanceof ByteArrayInputStream body)) {
            return;
        }
        String known = Responses.tag(ctx);
        String tag = known != null ? known : digest(body);
        ctx.header("ETag", "\"" + tag + "\"");
        ctx.header("Cache-Control", ctx.header("Authorization") == null ? "no-cache" : "private, no-cache");
        ctx.header("Vary", "Authorization, Origin");
    }

    /** {@link BodyTag#of} a body set past {@link Responses}; it can be read again after. */
    private static String digest(ByteArrayInputStream body) {
        byte[] bytes = body.readAllBytes();
        body.reset();
        return BodyTag.of(bytes);
    }
}
