package io.conduit.identity;

/** A user together with the session token the response hands back. */
record AuthenticatedUser(UserRow user, String token) {
    @Override
    public String toString() {
        return "AuthenticatedUser[user=" + user + ", token=<redacted>]";
    }
}
