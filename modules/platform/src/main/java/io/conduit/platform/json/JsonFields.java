package io.conduit.platform.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conduit.platform.Invalid;
import io.conduit.platform.Violations;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the fields of a partial update, where "absent", {@code null} and a value mean different
 * things. Type errors are collected in the caller's {@link Violations}.
 */
public final class JsonFields {
    public static final String WRONG_TYPE = "has the wrong type";

    private JsonFields() {}

    /** A text field that may be absent (null returned) but not null or non-text (a violation). */
    public static @Nullable String requiredText(Violations v, ObjectNode object, String field) {
        JsonNode node = presentNonNull(v, object, field);
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            v.add(field, WRONG_TYPE);
            return null;
        }
        return node.textValue();
    }

    /** A text field where {@code null} and {@code ""} both mean "clear it" (null returned). */
    public static @Nullable String clearableText(Violations v, ObjectNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            v.add(field, WRONG_TYPE);
            return null;
        }
        return node.textValue().isEmpty() ? null : node.textValue();
    }

    /** A list of strings that may be absent (null returned); {@code null} itself is a violation. */
    public static @Nullable List<String> textList(Violations v, ObjectNode object, String field) {
        JsonNode node = presentNonNull(v, object, field);
        if (node == null) {
            return null;
        }
        if (!node.isArray()) {
            v.add(field, WRONG_TYPE);
            return null;
        }
        var values = new ArrayList<String>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                v.add(field, WRONG_TYPE);
                return null;
            }
            values.add(item.textValue());
        }
        return values;
    }

    /** The field's node; null when it is absent, or when it is JSON null (then a violation: blank). */
    private static @Nullable JsonNode presentNonNull(Violations v, ObjectNode object, String field) {
        JsonNode node = object.get(field);
        if (node != null && node.isNull()) {
            v.add(field, Invalid.BLANK);
            return null;
        }
        return node;
    }
}
