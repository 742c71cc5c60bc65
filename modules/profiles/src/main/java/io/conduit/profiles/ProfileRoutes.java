package io.conduit.profiles;

import io.conduit.platform.NotFound;
import io.conduit.platform.http.Access;
import io.conduit.platform.http.Caller;
import io.conduit.platform.http.Requests;
import io.conduit.platform.http.Responses;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/** {@code GET /profiles/{username}} and {@code POST|DELETE /profiles/{username}/follow}. */
final class ProfileRoutes {
    private final ProfileService profiles;

    ProfileRoutes(ProfileService profiles) {
        this.profiles = profiles;
    }

    void register(RoutesConfig routes, String prefix) {
        routes.get(prefix + "/profiles/{username}", this::get, Access.OPTIONAL_USER);
        routes.post(prefix + "/profiles/{username}/follow", this::follow, Access.USER);
        routes.delete(prefix + "/profiles/{username}/follow", this::unfollow, Access.USER);
    }

    private void get(Context ctx) {
        var viewer = Requests.optionalCaller(ctx).map(Caller::userId);
        var profile = profiles.byUsername(ctx.pathParam("username"), viewer).orElseThrow(() -> new NotFound("profile"));
        Responses.json(ctx, ProfileJson.response(profile));
    }

    private void follow(Context ctx) {
        Responses.json(
                ctx, ProfileJson.response(profiles.follow(Requests.caller(ctx).userId(), ctx.pathParam("username"))));
    }

    private void unfollow(Context ctx) {
        Responses.json(
                ctx, ProfileJson.response(profiles.unfollow(Requests.caller(ctx).userId(), ctx.pathParam("username"))));
    }
}
