package io.conduit.platform.http;

import io.javalin.config.RoutesConfig;

/** A module that serves HTTP routes. Each route is tagged with its {@link Access}. */
public interface HttpModule {
    /** Registers the module's routes; {@code prefix} is {@code /api} (and later {@code /api/v1}). */
    void register(RoutesConfig routes, String prefix);
}
