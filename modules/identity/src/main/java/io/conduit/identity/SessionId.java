package io.conduit.identity;

/**
 * A session as the domain names it: the SHA-256 of its token ({@link SessionTokens#idOf}), which is
 * also its Redis key. The raw token stays with the HTTP adapter that received it.
 */
record SessionId(String value) {
    static SessionId ofToken(String token) {
        return new SessionId(SessionTokens.idOf(token));
    }
}
