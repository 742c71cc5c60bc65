package io.conduit.platform.http;

import io.conduit.platform.Unauthorized;
import io.conduit.platform.json.Json;
import io.conduit.platform.json.StorableText;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What handlers read off a request: the caller and the JSON body. */
public final class Requests {
    /** The request attribute that holds the authenticated {@link Caller} (set by the runtime). */
    public static final String CALLER = "conduit.caller";
    /** The request attribute that marks a response as carrying a credential (never replayed). */
    public static final String CONFIDENTIAL = "conduit.idempotency.confidential";

    private Requests() {}

    /** The signed-in caller; 401 when there is none (the route is {@link Access#USER}). */
    public static Caller caller(Context ctx) {
        return optionalCaller(ctx).orElseThrow(Unauthorized::missingToken);
    }

    public static Optional<Caller> optionalCaller(Context ctx) {
        return Optional.ofNullable(ctx.attribute(CALLER));
    }

    /**
     * Marks the response as carrying a credential (a session token): it is never stored for
     * {@code Idempotency-Key} replays. A retry of such a request that had committed learns that it
     * was carried out (409) instead of getting the token again.
     */
    public static void carriesCredentials(Context ctx) {
        ctx.attribute(CONFIDENTIAL, Boolean.TRUE);
    }

    /**
     * Before-handler: a request that carries a body must say it is JSON ({@code application/json},
     * any parameters), else 415 before anything runs. A JSON body sent as {@code text/plain} or a
     * form is what a page on any origin can send without a CORS preflight; refusing it keeps
     * cross-site requests out of every write. Requests without a body (favorite, follow, logout)
     * need no type.
     */
    public static void requireJsonBody(Context ctx) {
        boolean hasBody = ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null;
        if (!hasBody) {
            return;
        }
        String type = ctx.header("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new HttpResponseException(415, "must be application/json");
        }
    }

    /** Before-handler: every query and path parameter of a matched route is text PostgreSQL can store. */
    public static void checkParameters(Context ctx) {
        for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
            StorableText.check(param.getKey(), param.getKey());
            for (String value : param.getValue()) {
                StorableText.check(param.getKey(), value);
            }
        }
        ctx.pathParamMap().forEach(StorableText::check);
    }

    /** The JSON body as {@code type}; 422 when it is missing, malformed or wrongly typed. */
    public static <T> T body(Context ctx, Class<T> type) {
        return Json.parse(ctx.bodyAsBytes(), type);
    }
}
