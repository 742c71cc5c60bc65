package io.conduit.app;

import io.conduit.platform.http.Access;
import io.conduit.platform.http.HttpModule;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Serves the project's own OpenAPI document at {@code <prefix>/openapi.json}. */
final class OpenApiRoutes implements HttpModule {
    private final byte[] document;

    OpenApiRoutes() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the JAR");
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void register(RoutesConfig routes, String prefix) {
        routes.get(
                prefix + "/openapi.json",
                ctx -> ctx.contentType("application/json; charset=utf-8").result(document),
                Access.PUBLIC);
    }
}
