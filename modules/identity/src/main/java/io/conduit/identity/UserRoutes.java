package io.conduit.identity;

import io.conduit.platform.http.Access;
import io.conduit.platform.http.Requests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Objects;

/**
 * {@code POST /users}, {@code POST /users/login}, {@code GET|PUT /user}, and the session
 * extensions {@code DELETE /user/session} (log out this session) and {@code DELETE /user/sessions}
 * (log out everywhere).
 */
final class UserRoutes {
    private final UserService users;

    UserRoutes(UserService users) {
        this.users = users;
    }

    void register(RoutesConfig routes, String prefix) {
        routes.post(prefix + "/users", this::register, Access.PUBLIC);
        routes.post(prefix + "/users/login", this::login, Access.PUBLIC);
        routes.get(prefix + "/user", this::current, Access.USER);
        routes.put(prefix + "/user", this::update, Access.USER);
        routes.delete(prefix + "/user/session", this::logout, Access.USER);
        routes.delete(prefix + "/user/sessions", this::logoutEverywhere, Access.USER);
    }

    private void register(Context ctx) {
        var input = UserJson.registration(Requests.body(ctx, UserJson.RegisterRequest.class));
        var created = users.register(new NewUser(
                Objects.requireNonNullElse(input.username(), ""),
                Objects.requireNonNullElse(input.email(), ""),
                Objects.requireNonNullElse(input.password(), "")));
        Requests.carriesCredentials(ctx);
        ctx.status(HttpStatus.CREATED).json(UserJson.response(created));
    }

    private void login(Context ctx) {
        var input = UserJson.login(Requests.body(ctx, UserJson.LoginRequest.class));
        var user = users.login(
                Objects.requireNonNullElse(input.email(), ""), Objects.requireNonNullElse(input.password(), ""));
        Requests.carriesCredentials(ctx);
        ctx.json(UserJson.response(user));
    }

    private void current(Context ctx) {
        ctx.json(UserJson.response(users.current(Requests.caller(ctx))));
    }

    private void update(Context ctx) {
        var changes = UserJson.changes(Requests.body(ctx, UserJson.UpdateRequest.class));
        var updated = users.update(Requests.caller(ctx), changes);
        Requests.carriesCredentials(ctx);
        ctx.json(UserJson.response(updated));
    }

    private void logout(Context ctx) {
        users.logout(Requests.caller(ctx));
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void logoutEverywhere(Context ctx) {
        users.logoutEverywhere(Requests.caller(ctx));
        ctx.status(HttpStatus.NO_CONTENT);
    }
}
