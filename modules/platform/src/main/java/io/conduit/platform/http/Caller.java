package io.conduit.platform.http;

import io.conduit.platform.UserId;

/**
 * The authenticated caller of a request: the user and the session token they sent. The token is
 * needed to answer with it ({@code user.token}) and to revoke its own session; it never appears in
 * {@link #toString()}, so it cannot leak into a log line.
 */
public record Caller(UserId userId, String token) {
    @Override
    public String toString() {
        return "Caller[userId=" + userId.value() + ", token=<redacted>]";
    }
}
