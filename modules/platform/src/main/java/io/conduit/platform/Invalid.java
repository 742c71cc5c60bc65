package io.conduit.platform;

import java.util.List;
import java.util.Map;

/** Invalid input: HTTP 422, keyed by the request field that is wrong. */
public final class Invalid extends ApiError {
    public static final String BLANK = "can't be blank";

    public Invalid(String field, String message) {
        super(field, message);
    }

    public Invalid(Map<String, List<String>> errors) {
        super(errors);
    }
}
