package io.conduit.platform;

/** No such resource: HTTP 404, keyed by the resource ({@code profile}, {@code article}). */
public final class NotFound extends ApiError {
    public NotFound(String resource) {
        super(resource, "not found");
    }
}
