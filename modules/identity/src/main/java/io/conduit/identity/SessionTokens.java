package io.conduit.identity;

import io.conduit.platform.Sha256;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session tokens: 256 random bits from the platform CSPRNG, sent to the client in base64url. Redis
 * only ever sees the SHA-256 of a token, so a copy of Redis grants no session. A fast hash is
 * enough here: the token has full entropy, nothing to guess.
 */
final class SessionTokens {
    private static final int TOKEN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SessionTokens() {}

    static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }

    static String idOf(String token) {
        return Sha256.hex(token);
    }
}
