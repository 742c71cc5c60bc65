package io.conduit.runtime.http;

import io.conduit.platform.Invalid;
import io.conduit.platform.Sha256;
import io.conduit.platform.Unavailable;
import io.conduit.platform.http.Requests;
import io.conduit.platform.http.Responses;
import io.conduit.runtime.idempotency.Claim;
import io.conduit.runtime.idempotency.IdempotencyStore;
import io.conduit.runtime.idempotency.IdempotencyStore.Outcome;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} (IETF httpapi idempotency-key draft) on POST, PUT and DELETE. Keys are
 * scoped to the caller (the user, else the client address). A keyed request runs in one database
 * transaction that commits its writes together with its response ({@link IdempotencyStore}), so it
 * acts exactly once whatever the module code does: a retry with the same key and the same request
 * gets the first response again, byte for byte ({@code Idempotent-Replayed: true}); a retry while
 * the first attempt is alive gets 409 with {@code Retry-After}; a retry after the first attempt's
 * instance died before committing runs the request afresh; the same key with a different request
 * gets 422. A 5xx is rolled back and not kept. Responses that carry a session token ({@link
 * Requests#carriesCredentials}) are never stored: a retry of such a request learns that it was
 * carried out (409).
 */
final class Idempotency {
    static final String HEADER = "Idempotency-Key";
    private static final String KEY_ATTRIBUTE = "conduit.idempotency.key";
    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    private static final Set<HandlerType> UNSAFE = Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.DELETE);

    private final IdempotencyStore store;
    private final Counter replays;
    private final Counter conflicts;
    private final Counter mismatches;
    private final Counter carriedOut;

    Idempotency(IdempotencyStore store, MeterRegistry registry) {
        this.store = store;
        this.replays = counter(registry, "replayed");
        this.conflicts = counter(registry, "in_progress");
        this.mismatches = counter(registry, "mismatch");
        this.carriedOut = counter(registry, "carried_out");
    }

    /** Before the handler: claim the key, or answer from what the first request left. */
    void begin(Context ctx) {
        String key = ctx.header(HEADER);
        if (key == null || !UNSAFE.contains(ctx.method())) {
            return;
        }
        if (!VALID_KEY.matcher(key).matches()) {
            throw new Invalid(HEADER, "must be 1 to 255 visible ASCII characters");
        }
        String scoped = scope(ctx) + ":" + Sha256.hex(key);
        String fingerprint = Sha256.hex(
                ctx.method().name() + " " + ctx.path() + "\n" + new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8));
        switch (store.claim(scoped, fingerprint)) {
            case Outcome.Claimed claimed -> ctx.attribute(KEY_ATTRIBUTE, claimed.claim());
            case Outcome.Mismatch _ -> {
                mismatches.increment();
                throw new Invalid(HEADER, "was already used for a different request");
            }
            case Outcome.Running _ -> {
                conflicts.increment();
                ctx.header("Retry-After", "1");
                refuse(ctx, "a request with this key is still running");
            }
            case Outcome.CarriedOut _ -> {
                carriedOut.increment();
                refuse(ctx, "a request with this key was already carried out; its response cannot be replayed");
            }
            case Outcome.Replay replay -> {
                replays.increment();
                ctx.header("Idempotent-Replayed", "true");
                ctx.status(replay.status());
                if (replay.contentType() != null && !replay.contentType().isEmpty()) {
                    ctx.contentType(replay.contentType());
                }
                String body = replay.body();
                ctx.result(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
                ctx.skipRemainingHandlers();
            }
        }
    }

    private static void refuse(Context ctx, String why) {
        ctx.status(409);
        Responses.json(ctx, new ErrorResponses.ErrorBody(Map.of(HEADER, List.of(why))));
        ctx.skipRemainingHandlers();
    }

    /**
     * After the handler (and the error mapper): commit the request's writes with its response, or
     * roll them back after a 5xx. A commit that fails turns the response into a 503: nothing was
     * done, and the client's retry runs the request again.
     */
    void end(Context ctx) {
        Claim claim = ctx.attribute(KEY_ATTRIBUTE);
        if (claim == null) {
            return;
        }
        String result = ctx.result();
        String body = Boolean.TRUE.equals(ctx.attribute(Requests.CONFIDENTIAL)) ? null : result == null ? "" : result;
        String contentType = ctx.res().getContentType();
        if (!store.finish(claim, ctx.statusCode(), contentType == null ? "" : contentType, body)) {
            ErrorResponses.write(ctx, new Unavailable("database", Duration.ofSeconds(1)));
        }
    }

    /** When the request is over, whatever happened: an attempt that never reached {@link #end} is rolled back. */
    void release(Context ctx) {
        Claim claim = ctx.attribute(KEY_ATTRIBUTE);
        if (claim != null) {
            store.abandon(claim);
        }
    }

    private static String scope(Context ctx) {
        return Requests.optionalCaller(ctx)
                .map(caller -> "user:" + caller.userId().value())
                .orElseGet(() -> "ip:" + ctx.ip());
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("idempotency.requests")
                .tag("outcome", outcome)
                .description("Requests with an Idempotency-Key answered from the store or refused")
                .register(registry);
    }
}
