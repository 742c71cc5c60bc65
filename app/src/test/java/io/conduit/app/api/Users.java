package io.conduit.app.api;

import java.util.UUID;

/** Builders of request bodies and unique test users. */
public final class Users {
    private Users() {}

    public static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static String registration(String username, String email, String password) {
        return "{\"user\":{\"username\":\"" + username + "\",\"email\":\"" + email + "\",\"password\":\"" + password
                + "\"}}";
    }

    public static String login(String email, String password) {
        return "{\"user\":{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}}";
    }

    /** Registers a fresh user and returns its token. */
    public static Registered register(Http http) {
        String name = unique("user");
        String email = name + "@example.com";
        var response = http.post("/api/users", registration(name, email, "password123"));
        if (response.status() != 201) {
            throw new IllegalStateException("registration failed: " + response.status() + " " + response.body());
        }
        return new Registered(
                name, email, "password123", response.json().at("/user/token").asText());
    }

    public record Registered(String username, String email, String password, String token) {}
}
