package io.conduit.app.api;

import static io.conduit.app.api.Http.token;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Profiles and follows. */
class ProfilesApiIT {
    @RegisterExtension
    static final RunningApp app = new RunningApp();

    private static final Http http = app.http();

    @Test
    void showsAProfileWithFollowingFalseToStrangersAndAnonymousCallers() {
        var user = Users.register(http);

        var anonymous = http.get("/api/profiles/" + user.username());
        var stranger = http.get(
                "/api/profiles/" + user.username(), token(Users.register(http).token()));

        assertThat(anonymous.status()).isEqualTo(200);
        var profile = anonymous.json().get("profile");
        assertThat(profile.get("username").asText()).isEqualTo(user.username());
        assertThat(profile.get("bio").isNull()).isTrue();
        assertThat(profile.get("image").isNull()).isTrue();
        assertThat(profile.get("following").asBoolean()).isFalse();
        assertThat(profile.has("email")).isFalse();
        assertThat(stranger.json().at("/profile/following").asBoolean()).isFalse();
    }

    @Test
    void followsAndUnfollows() {
        var user = Users.register(http);
        var fan = Users.register(http);

        var follow = http.post("/api/profiles/" + user.username() + "/follow", "", token(fan.token()));
        var twice = http.post("/api/profiles/" + user.username() + "/follow", "", token(fan.token()));
        var seen = http.get("/api/profiles/" + user.username(), token(fan.token()));
        var unfollow = http.delete("/api/profiles/" + user.username() + "/follow", token(fan.token()));

        assertThat(follow.status()).isEqualTo(200);
        assertThat(follow.json().at("/profile/following").asBoolean()).isTrue();
        assertThat(twice.json().at("/profile/following").asBoolean()).isTrue();
        assertThat(seen.json().at("/profile/following").asBoolean()).isTrue();
        assertThat(unfollow.status()).isEqualTo(200);
        assertThat(unfollow.json().at("/profile/following").asBoolean()).isFalse();
        assertThat(http.get("/api/profiles/" + user.username(), token(fan.token()))
                        .json()
                        .at("/profile/following")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void answers404ForAnUnknownProfileAnd401BeforeIt() {
        String unknown = Users.unique("nobody");

        assertThat(http.get("/api/profiles/" + unknown).errors()).containsEntry("profile", "not found");
        assertThat(http.post("/api/profiles/" + unknown + "/follow", "").status())
                .isEqualTo(401);
        assertThat(http.delete("/api/profiles/" + unknown + "/follow").status()).isEqualTo(401);
        var caller = Users.register(http);
        assertThat(http.post("/api/profiles/" + unknown + "/follow", "", token(caller.token()))
                        .status())
                .isEqualTo(404);
    }
}
