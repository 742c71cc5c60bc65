package io.conduit.platform.http;

import io.javalin.security.RouteRole;

/** Who may call a route: anyone, anyone with an optional session, or only a signed-in user. */
public enum Access implements RouteRole {
    PUBLIC,
    OPTIONAL_USER,
    USER
}
