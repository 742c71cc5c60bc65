package io.conduit.runtime.http;

import io.conduit.platform.Sha256;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;

/**
 * A strong {@code ETag} on every successful GET, from a digest of the body; Javalin answers 304
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
        ctx.header("ETag", "\"" + digest(body) + "\"");
        ctx.header("Cache-Control", ctx.header("Authorization") == null ? "no-cache" : "private, no-cache");
        ctx.header("Vary", "Authorization, Origin");
    }

    /** The first 128 bits of the body's SHA-256, in base64url; the body can be read again after. */
    private static String digest(ByteArrayInputStream body) {
        byte[] bytes = body.readAllBytes();
        body.reset();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(Sha256.digest(bytes), 16));
    }
}
