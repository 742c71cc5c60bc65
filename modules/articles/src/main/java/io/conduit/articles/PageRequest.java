package io.conduit.articles;

import io.conduit.platform.Violations;
import org.jspecify.annotations.Nullable;

/** {@code limit} (1–100, default 20) and {@code offset} (0–100,000, default 0) of a list. */
record PageRequest(int limit, int offset) {
    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    static final int MAX_OFFSET = 100_000;

    static PageRequest of(@Nullable String limit, @Nullable String offset) {
        var v = new Violations();
        int l = parse(v, "limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        int o = parse(v, "offset", offset, 0, 0, MAX_OFFSET);
        v.throwIfAny();
        return new PageRequest(l, o);
    }

    /** This page as the end of a cache key. */
    String key() {
        return "&limit=" + limit + "&offset=" + offset;
    }

    private static int parse(Violations v, String name, @Nullable String text, int fallback, int min, int max) {
        if (text == null || text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        v.add(name, "must be a whole number from " + min + " to " + max);
        return fallback;
    }
}
