package io.conduit.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The failures a request can meet, each mapped to one HTTP status by the platform's error mapper
 * and rendered in the RealWorld shape {@code {"errors": {"<key>": ["<message>"]}}}.
 *
 * <p>They carry no stack trace: they are answers to clients, not bugs.
 */
public abstract sealed class ApiError extends RuntimeException
        permits Invalid, Conflict, Unauthorized, Forbidden, NotFound, Unavailable {

    private final Map<String, List<String>> errors;

    ApiError(Map<String, List<String>> errors) {
        super(describe(errors), null, false, false);
        this.errors = copy(errors);
    }

    ApiError(String key, String message) {
        this(Map.of(key, List.of(message)));
    }

    /** The error body: keys are request fields or resource names, values their messages. */
    public Map<String, List<String>> errors() {
        return errors;
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> errors) {
        var copy = new LinkedHashMap<String, List<String>>();
        errors.forEach((key, messages) -> copy.put(key, List.copyOf(messages)));
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static String describe(Map<String, List<String>> errors) {
        var text = new StringBuilder();
        errors.forEach((key, messages) -> messages.forEach(m -> {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(key).append(' ').append(m);
        }));
        return text.toString();
    }
}
