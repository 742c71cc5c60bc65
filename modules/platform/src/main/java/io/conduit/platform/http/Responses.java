package io.conduit.platform.http;

import io.conduit.platform.json.Json;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The one way a body is sent: the bytes as Jackson writes them (UTF-8 at once, no {@code String} in
 * between and no second encoding, as {@code Context.json} would do), in a {@link Body} the runtime
 * reads back without copying (the {@code ETag} digest, the response cache). {@code Context.json} is
 * not used anywhere (an architecture rule says so).
 */
public final class Responses {
    private Responses() {}

    /** Sends {@code value} as the API's JSON. */
    public static void json(Context ctx, Object value) {
        ctx.contentType(ContentType.APPLICATION_JSON).result(new Body(Json.bytes(value)));
    }

    /** Sends JSON bytes kept ready (a cached page) whose {@link BodyTag} is known, so they are not digested again. */
    public static void kept(Context ctx, byte[] body, String tag) {
        kept(ctx, ContentType.APPLICATION_JSON.getMimeType(), body, tag);
    }

    /** Sends bytes of {@code contentType} kept ready with their {@link BodyTag}. */
    public static void kept(Context ctx, String contentType, byte[] body, String tag) {
        ctx.attribute(BodyTag.ATTRIBUTE, BodyTag.sending(body, tag));
        ctx.contentType(contentType).result(new Body(body));
    }

    /** The bytes the response carries when they were set here; {@code null} for any other result. */
    public static byte @Nullable [] sent(Context ctx) {
        return ctx.resultInputStream() instanceof Body body ? body.bytes() : null;
    }

    /** A response body that hands out the array it reads from (not a copy: never changed). */
    private static final class Body extends ByteArrayInputStream {
        Body(byte[] bytes) {
            super(bytes);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
