package io.conduit.platform;

import java.util.List;
import java.util.Map;

/** A unique value is already taken (username, email): HTTP 409. */
public final class Conflict extends ApiError {
    public static final String TAKEN = "has already been taken";

    public Conflict(Map<String, List<String>> errors) {
        super(errors);
    }
}
