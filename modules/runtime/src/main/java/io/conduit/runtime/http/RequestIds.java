package io.conduit.runtime.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Gives every request an id: the caller's {@code X-Request-Id}, else the ALB's
 * {@code X-Amzn-Trace-Id}, else a new one. Echoed in the response and put in the log MDC.
 */
final class RequestIds {
    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "requestId";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:;=+/@-]{1,128}");

    private RequestIds() {}

    static void assign(Context ctx) {
        String id = firstSafe(ctx.header(HEADER), ctx.header("X-Amzn-Trace-Id"));
        if (id == null) {
            id = UUID.randomUUID().toString();
        }
        ctx.header(HEADER, id);
        MDC.put(MDC_KEY, id);
    }

    private static @Nullable String firstSafe(@Nullable String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && SAFE.matcher(candidate).matches()) {
                return candidate;
            }
        }
        return null;
    }
}
