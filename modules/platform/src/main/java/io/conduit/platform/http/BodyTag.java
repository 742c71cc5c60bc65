package io.conduit.platform.http;

import io.conduit.platform.Sha256;
import java.util.Arrays;
import java.util.Base64;

/**
 * The {@code ETag} of a response body: the first 128 bits of its SHA-256, in base64url. The runtime
 * tags every successful GET; a route that sends bytes it keeps (a cached page) computes their tag
 * once and hands it over with {@link Responses#kept}, so a cached read does not digest its body again.
 */
public final class BodyTag {
    private BodyTag() {}

    public static String of(byte[] body) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(Sha256.digest(body), 16));
    }
}
