package io.conduit.platform.http;

import java.util.Optional;

/** Resolves a session token to its caller; empty when the token is unknown, expired or revoked. */
@FunctionalInterface
public interface Authenticator {
    Optional<Caller> authenticate(String token);
}
