package io.conduit.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects every invalid field of one request, so a client learns all of them at once. */
public final class Violations {
    private final Map<String, List<String>> errors = new LinkedHashMap<>();

    public Violations add(String field, String message) {
        errors.computeIfAbsent(field, k -> new ArrayList<>()).add(message);
        return this;
    }

    public boolean has(String field) {
        return errors.containsKey(field);
    }

    /** Throws {@link Invalid} naming every collected field, if there is any. */
    public void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new Invalid(errors);
        }
    }
}
