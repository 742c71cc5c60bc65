package io.conduit.runtime.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    private static String digest(ByteArrayInputStream body) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            byte[] bytes = body.readAllBytes();
            body.reset();
            byte[] hash = sha.digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(hash, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
