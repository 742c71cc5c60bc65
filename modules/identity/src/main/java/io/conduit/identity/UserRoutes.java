package io.conduit.identity;

import io.conduit.platform.http.Access;
import io.conduit.platform.http.Caller;
import io.conduit.platform.http.Requests;
import io.conduit.platform.http.Responses;
import io.conduit.platform.http.RouteLimits;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /users}, {@code POST /users/login}, {@code GET|PUT /user}, and the session
 * extensions {@code DELETE /user/session} (log out this session) and {@code DELETE /user/sessions}
 * (log out everywhere). Registration and login carry their own request limits ({@link
 * AccountLimits}); login counts the account its body names.
 */
final class UserRoutes {
    private final UserService users;
    private final RouteLimits registrationLimits;
    private final RouteLimits loginLimits;

    UserRoutes(UserService users, AccountLimits limits) {
        this.users = users;
        this.registrationLimits = RouteLimits.none().perAddress(limits.registrationPerAddress());
        this.loginLimits = RouteLimits.none()
                .perAddress(limits.loginPerAddress())
                .and(limits.loginPerAccount(), ctx -> account(ctx, ""))
                .and(limits.loginPerAccountAndAddress(), ctx -> account(ctx, ":ip:" + ctx.ip()));
    }

    void register(RoutesConfig routes, String prefix) {
        registrationLimits.post(routes, prefix + "/users", this::register, Access.PUBLIC);
        loginLimits.post(routes, prefix + "/users/login", this::login, Access.PUBLIC);
        routes.get(prefix + "/user", this::current, Access.USER);
        routes.put(prefix + "/user", this::update, Access.USER);
        routes.delete(prefix + "/user/session", this::logout, Access.USER);
        routes.delete(prefix + "/user/sessions", this::logoutEverywhere, Access.USER);
    }

    /** {@code account:<email>} and {@code suffix}, or null when the body names no account. */
    private static @Nullable String account(Context ctx, String suffix) {
        String account = UserJson.loginAccount(ctx.bodyAsBytes());
        return account == null ? null : "account:" + account + suffix;
    }

    private void register(Context ctx) {
        var input = UserJson.registration(Requests.body(ctx, UserJson.RegisterRequest.class));
        var created = users.register(new NewUser(
                Objects.requireNonNullElse(input.username(), ""),
                Objects.requireNonNullElse(input.email(), ""),
                Objects.requireNonNullElse(input.password(), "")));
        Requests.carriesCredentials(ctx);
        ctx.status(HttpStatus.CREATED);
        Responses.json(ctx, UserJson.response(created));
    }

    private void login(Context ctx) {
        var input = UserJson.login(Requests.body(ctx, UserJson.LoginRequest.class));
        var user = users.login(
                Objects.requireNonNullElse(input.email(), ""), Objects.requireNonNullElse(input.password(), ""));
        Requests.carriesCredentials(ctx);
        Responses.json(ctx, UserJson.response(user));
    }

    /** The response hands back the token the caller sent: the domain never sees it. */
    private void current(Context ctx) {
        Caller caller = Requests.caller(ctx);
        Responses.json(ctx, UserJson.response(new AuthenticatedUser(users.current(caller.userId()), caller.token())));
    }

    private void update(Context ctx) {
        var changes = UserJson.changes(Requests.body(ctx, UserJson.UpdateRequest.class));
        Caller caller = Requests.caller(ctx);
        var updated = users.update(caller.userId(), SessionId.ofToken(caller.token()), changes);
        Requests.carriesCredentials(ctx);
        Responses.json(ctx, UserJson.response(new AuthenticatedUser(updated, caller.token())));
    }

    private void logout(Context ctx) {
        Caller caller = Requests.caller(ctx);
        users.logout(caller.userId(), SessionId.ofToken(caller.token()));
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void logoutEverywhere(Context ctx) {
        users.logoutEverywhere(Requests.caller(ctx).userId());
        ctx.status(HttpStatus.NO_CONTENT);
    }
}
