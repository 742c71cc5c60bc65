package io.conduit.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.conduit.app.TestApp;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document covers every registered route, and only those. */
class OpenApiIT {
    @Test
    void documentsEveryRegisteredRouteAndNoOther() {
        try (var app = TestApp.start()) {
            var http = new Http(app.baseUrl());
            var document = http.get("/api/openapi.json");
            assertThat(document.status()).isEqualTo(200);
            assertThat(http.get("/api/v1/openapi.json").status()).isEqualTo(200);

            var documented = new HashSet<String>();
            document.json()
                    .get("paths")
                    .properties()
                    .forEach(path -> path.getValue().properties().forEach(op -> {
                        if (Set.of("get", "put", "post", "delete", "patch").contains(op.getKey())) {
                            documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                        }
                    }));
            var registered = new HashSet<String>();
            for (String route : app.routes()) {
                String[] parts = route.split(" ", 2);
                String path = parts[1].startsWith("/api/v1/")
                        ? parts[1].substring(7)
                        : parts[1].startsWith("/api/") ? parts[1].substring(4) : parts[1];
                registered.add(parts[0] + " " + path);
            }

            assertThat(registered).hasSizeGreaterThan(20);
            assertThat(documented).containsExactlyInAnyOrderElementsOf(registered);
            assertThat(document.json().at("/servers").toString()).contains("/api/v1");
        }
    }
}
