package io.conduit.runtime.http;

import io.conduit.platform.Unauthorized;
import io.conduit.platform.http.Access;
import io.conduit.platform.http.Authenticator;
import io.conduit.platform.http.Caller;
import io.conduit.platform.http.Requests;
import io.javalin.http.Context;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/** Resolves {@code Authorization: Token <token>} for routes tagged USER or OPTIONAL_USER. */
final class Authentication {
    static final String MDC_KEY = "userId";

    private final Authenticator authenticator;

    Authentication(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    void apply(Context ctx) {
        Set<?> roles = ctx.routeRoles();
        if (!roles.contains(Access.USER) && !roles.contains(Access.OPTIONAL_USER)) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            if (roles.contains(Access.USER)) {
                throw Unauthorized.missingToken();
            }
            return;
        }
        String token = tokenOf(header);
        if (token == null) {
            throw Unauthorized.invalidToken();
        }
        Caller caller = authenticator.authenticate(token).orElseThrow(Unauthorized::invalidToken);
        ctx.attribute(Requests.CALLER, caller);
        MDC.put(MDC_KEY, Long.toString(caller.userId().value()));
    }

    /** Accepts the RealWorld scheme {@code Token} and, for clients that send it, {@code Bearer}. */
    private static @Nullable String tokenOf(String header) {
        int space = header.indexOf(' ');
        if (space <= 0) {
            return null;
        }
        String scheme = header.substring(0, space);
        String token = header.substring(space + 1).strip();
        boolean known = scheme.equalsIgnoreCase("Token") || scheme.equalsIgnoreCase("Bearer");
        return known && !token.isEmpty() && token.length() <= 512 ? token : null;
    }
}
