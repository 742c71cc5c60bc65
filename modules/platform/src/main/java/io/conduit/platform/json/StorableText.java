package io.conduit.platform.json;

import io.conduit.platform.Invalid;

/**
 * Text PostgreSQL cannot store is refused at the edge, for every module at once: U+0000 (a
 * {@code text} column rejects it) and lone UTF-16 surrogates (they have no UTF-8 form). Request
 * bodies are checked as they are parsed ({@link Json}); query and path parameters by the HTTP server
 * before any handler runs. Either way the answer is 422 naming the field, never a 500 from the
 * database.
 */
public final class StorableText {
    static final String MESSAGE = "contains a character that can't be stored (U+0000 or a lone surrogate)";

    private StorableText() {}

    /** Throws {@link Invalid} naming {@code field} when {@code value} cannot be stored. */
    public static void check(String field, String value) {
        if (!storable(value)) {
            throw new Invalid(field, MESSAGE);
        }
    }

    static boolean storable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
