package io.conduit.app;

import io.conduit.platform.redis.RateLimitPolicy;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Reads {@code CONDUIT_*} variables, collecting every problem instead of stopping at the first. */
final class Env {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();

    Env(Map<String, String> values) {
        this.values = values;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /** A variable that must be set; may be empty only when {@code emptyAllowed}. */
    String required(String name, boolean emptyAllowed) {
        String value = values.get(name);
        if (value == null || (!emptyAllowed && value.isBlank())) {
            problems.add(name + " is missing");
            return "";
        }
        return value;
    }

    int integer(String name, int fallback, int min, int max) {
        return optional(name)
                .map(text -> {
                    try {
                        int value = Integer.parseInt(text);
                        if (value >= min && value <= max) {
                            return value;
                        }
                    } catch (NumberFormatException e) {
                        // reported below
                    }
                    problems.add(name + " must be a whole number from " + min + " to " + max + " (got '" + text + "')");
                    return fallback;
                })
                .orElse(fallback);
    }

    /** A duration as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d} or ISO-8601 ({@code PT30S}). */
    Duration duration(String name, Duration fallback) {
        return optional(name)
                .map(text -> {
                    Duration parsed = parseDuration(text);
                    if (parsed == null || parsed.isNegative()) {
                        problems.add(name + " must be a duration such as 500ms, 30s, 15m, 12h, 7d or PT30S (got '"
                                + text + "')");
                        return fallback;
                    }
                    return parsed;
                })
                .orElse(fallback);
    }

    /** A rate limit written {@code <requests>/<window>} ({@code 600/1m}), or {@code off}. */
    @Nullable
    RateLimitPolicy rateLimit(String name, String policy, String fallback) {
        String text = optional(name).orElse(fallback);
        if (text.equalsIgnoreCase("off")) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash > 0) {
            try {
                long limit = Long.parseLong(text.substring(0, slash).strip());
                Duration window = parseDuration(text.substring(slash + 1).strip());
                if (limit >= 1 && window != null && window.toMillis() >= 1000) {
                    return new RateLimitPolicy(policy, limit, window);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        problems.add(name + " must be <requests>/<window> such as 600/1m, or off (got '" + text + "')");
        return null;
    }

    List<String> list(String name, List<String> fallback) {
        return optional(name)
                .map(text -> Arrays.stream(text.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(fallback);
    }

    String oneOf(String name, String fallback, List<String> allowed) {
        String value = optional(name).orElse(fallback);
        if (!allowed.contains(value)) {
            problems.add(name + " must be one of " + allowed + " (got '" + value + "')");
            return fallback;
        }
        return value;
    }

    void problem(String message) {
        problems.add(message);
    }

    static @Nullable Duration parseDuration(String text) {
        Matcher m = SIMPLE_DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
