package io.conduit.platform.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** At most {@code limit} requests per {@code window} for one subject (an address, a user, an account). */
public record RateLimitPolicy(String name, long limit, Duration window) {
    public RateLimitPolicy {
        if (limit < 1 || window.toMillis() < 1000) {
            throw new IllegalArgumentException("a rate limit needs a limit of at least 1 and a window of at least 1 s");
        }
    }

    /** The policies that are on (a null policy is a limit turned off). */
    public static List<RateLimitPolicy> on(@Nullable RateLimitPolicy... policies) {
        return Arrays.stream(policies).filter(Objects::nonNull).toList();
    }

    /** Each policy as {@code name limit/window}, for the start-up line; {@code off} when there is none. */
    public static String describe(List<RateLimitPolicy> policies) {
        var parts = new java.util.ArrayList<String>();
        for (RateLimitPolicy p : policies) {
            parts.add(p.name() + " " + p.limit() + "/" + p.window().toSeconds() + "s");
        }
        return parts.isEmpty() ? "off" : String.join(", ", parts);
    }
}
