package io.conduit.platform.http;

import io.conduit.platform.json.Json;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import org.jspecify.annotations.Nullable;

/**
 * The one way a body is sent: the bytes as Jackson writes them (UTF-8 at once, no {@code String} in
 * between and no second encoding, as {@code Context.json} would do), in a {@link Body} that carries
 * its {@link BodyTag}, digested at most once (the {@code ETag} and the response cache share it) and
 * never when a kept page hands it over. A later handler that sets another result drops both.
 * {@code Context.json} is not used anywhere (an architecture rule says so).
 */
public final class Responses {
    private Responses() {}

    /** Sends {@code value} as the API's JSON. */
    public static void json(Context ctx, Object value) {
        ctx.contentType(ContentType.APPLICATION_JSON).result(new Body(Json.bytes(value), null));
    }

    /** Sends JSON bytes kept ready (a cached page) whose {@link BodyTag} is known, so they are not digested again. */
    public static void kept(Context ctx, byte[] body, String tag) {
        kept(ctx, ContentType.APPLICATION_JSON.getMimeType(), body, tag);
    }

    /** Sends bytes of {@code contentType} kept ready with their {@link BodyTag}. */
    public static void kept(Context ctx, String contentType, byte[] body, String tag) {
        ctx.contentType(contentType).result(new Body(body, tag));
    }

    /** The bytes the response carries when they were set here; {@code null} for any other result. */
    public static byte @Nullable [] sent(Context ctx) {
        return ctx.resultInputStream() instanceof Body body ? body.bytes() : null;
    }

    /** The {@link BodyTag} of the bytes set here (digested on first use); {@code null} for any other result. */
    public static @Nullable String tag(Context ctx) {
        return ctx.resultInputStream() instanceof Body body ? body.tag() : null;
    }

    /** A response body that hands out the array it reads from (not a copy: never changed) and its tag. */
    private static final class Body extends ByteArrayInputStream {
        private @Nullable String tag;

        Body(byte[] bytes, @Nullable String tag) {
            super(bytes);
            this.tag = tag;
        }

        byte[] bytes() {
            return buf;
        }

        String tag() {
            String known = tag;
            if (known == null) {
                known = BodyTag.of(buf);
                tag = known;
            }
            return known;
        }
    }
}
