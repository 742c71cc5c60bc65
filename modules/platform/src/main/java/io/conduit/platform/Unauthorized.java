package io.conduit.platform;

/** No valid credentials: HTTP 401. */
public final class Unauthorized extends ApiError {
    public Unauthorized(String key, String message) {
        super(key, message);
    }

    public static Unauthorized missingToken() {
        return new Unauthorized("token", "is missing");
    }

    public static Unauthorized invalidToken() {
        return new Unauthorized("token", "invalid");
    }

    public static Unauthorized invalidCredentials() {
        return new Unauthorized("credentials", "invalid");
    }
}
