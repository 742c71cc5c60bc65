package io.conduit.platform.http;

import io.conduit.platform.Invalid;
import io.conduit.platform.redis.IdempotencyStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} (IETF httpapi idempotency-key draft) on POST, PUT and DELETE. Keys are
 * scoped to the caller (the user, else the client address). The first response, status and body, is
 * kept for the retention period and a retry with the same key and the same request gets it again,
 * byte for byte, without acting again ({@code Idempotent-Replayed: true}). A retry while the first
 * still runs gets 409; the same key with a different request gets 422. 5xx answers are not kept:
 * the retry runs again.
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

    Idempotency(IdempotencyStore store, MeterRegistry registry) {
        this.store = store;
        this.replays = counter(registry, "replayed");
        this.conflicts = counter(registry, "in_progress");
        this.mismatches = counter(registry, "mismatch");
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
        String scoped = scope(ctx) + ":" + sha256(key);
        String fingerprint = sha256(
                ctx.method().name() + " " + ctx.path() + "\n" + new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8));
        var stored = store.claim(scoped, fingerprint);
        if (stored.isEmpty()) {
            ctx.attribute(KEY_ATTRIBUTE, scoped);
            return;
        }
        if (!stored.get().fingerprint().equals(fingerprint)) {
            mismatches.increment();
            throw new Invalid(HEADER, "was already used for a different request");
        }
        if (!stored.get().done()) {
            conflicts.increment();
            ctx.header("Retry-After", "1");
            ctx.status(409)
                    .json(new ErrorResponses.ErrorBody(
                            Map.of(HEADER, List.of("a request with this key is still running"))));
            ctx.skipRemainingHandlers();
            return;
        }
        replays.increment();
        ctx.header("Idempotent-Replayed", "true");
        ctx.status(stored.get().status());
        if (stored.get().contentType() != null && !stored.get().contentType().isEmpty()) {
            ctx.contentType(stored.get().contentType());
        }
        String body = stored.get().body();
        ctx.result(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
        ctx.skipRemainingHandlers();
    }

    /** After the handler (and the error mapper): keep the response, or free the key after a 5xx. */
    void end(Context ctx) {
        String scoped = ctx.attribute(KEY_ATTRIBUTE);
        if (scoped == null) {
            return;
        }
        if (ctx.statusCode() >= 500) {
            store.release(scoped);
            return;
        }
        String body = ctx.result();
        String contentType = ctx.res().getContentType();
        store.complete(scoped, ctx.statusCode(), contentType == null ? "" : contentType, body == null ? "" : body);
    }

    private static String scope(Context ctx) {
        return Requests.optionalCaller(ctx)
                .map(caller -> "user:" + caller.userId().value())
                .orElseGet(() -> "ip:" + ctx.ip());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("idempotency.requests")
                .tag("outcome", outcome)
                .description("Requests with an Idempotency-Key answered from the store or refused")
                .register(registry);
    }
}
