package io.conduit.platform;

/** The caller may not touch this resource: HTTP 403, keyed by the resource ({@code article}). */
public final class Forbidden extends ApiError {
    public Forbidden(String resource) {
        super(resource, "forbidden");
    }
}
