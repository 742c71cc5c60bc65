package io.conduit.app.api;

import static io.conduit.app.api.Http.token;
import static io.conduit.app.api.Users.login;
import static io.conduit.app.api.Users.registration;
import static io.conduit.app.api.Users.unique;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registration, login, current user and update, over HTTP, as the API document (openapi.json) says. */
class UsersApiIT {
    @RegisterExtension
    static final RunningApp app = new RunningApp();

    private static final Http http = app.http();

    @Test
    void registersAUserWithNullBioAndImageAndAWorkingToken() {
        String name = unique("reg");

        var response = http.post("/api/users", registration(name, name + "@example.com", "password123"));

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.header("Content-Type").replace(" ", "")).isEqualTo("application/json;charset=utf-8");
        var user = response.json().get("user");
        assertThat(user.get("username").asText()).isEqualTo(name);
        assertThat(user.get("email").asText()).isEqualTo(name + "@example.com");
        assertThat(user.has("bio")).isTrue();
        assertThat(user.get("bio").isNull()).isTrue();
        assertThat(user.get("image").isNull()).isTrue();
        assertThat(user.has("password")).isFalse();
        assertThat(http.get("/api/user", token(user.get("token").asText())).status())
                .isEqualTo(200);
    }

    @Test
    void acceptsLongUsernamesAndEmailsAndA64CharacterPassword() {
        String name = unique("a_rather_long_username_of_35_chars").substring(0, 40);
        String email = unique("a.rather.long.email.address.of.many.chars") + "@example.com";

        var response = http.post("/api/users", registration(name, email, "p".repeat(64)));

        assertThat(response.status()).isEqualTo(201);
        assertThat(http.post("/api/users/login", login(email, "p".repeat(64))).status())
                .isEqualTo(200);
    }

    @Test
    void rejectsADuplicateUsernameOrEmailWith409AndCreatesNothing() {
        var existing = Users.register(http);

        var sameName =
                http.post("/api/users", registration(existing.username(), unique("x") + "@example.com", "password123"));
        var sameEmailOtherCase = http.post(
                "/api/users",
                registration(unique("y"), existing.email().toUpperCase(java.util.Locale.ROOT), "password123"));

        assertThat(sameName.status()).isEqualTo(409);
        assertThat(sameName.errors()).containsEntry("username", "has already been taken");
        assertThat(sameEmailOtherCase.status()).isEqualTo(409);
        assertThat(sameEmailOtherCase.errors()).containsEntry("email", "has already been taken");
    }

    @Test
    void reportsEveryBlankFieldOfARegistrationAt422() {
        var response = http.post("/api/users", "{\"user\":{\"username\":\"\",\"email\":null}}");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.errors())
                .containsEntry("username", "can't be blank")
                .containsEntry("email", "can't be blank")
                .containsEntry("password", "can't be blank");
    }

    @Test
    void appliesThePasswordRuleAtRegistration() {
        String name = unique("pw");

        var tooShort = http.post("/api/users", registration(name, name + "@example.com", "1234567"));
        var tooLong = http.post("/api/users", registration(name, name + "@example.com", "p".repeat(129)));
        var eight = http.post("/api/users", registration(name, name + "@example.com", "12345678"));

        assertThat(tooShort.status()).isEqualTo(422);
        assertThat(tooShort.errors()).containsKey("password");
        assertThat(tooLong.status()).isEqualTo(422);
        assertThat(eight.status()).isEqualTo(201);
    }

    @Test
    void rejectsMalformedMissingOrWronglyTypedBodiesWith422() {
        assertThat(http.post("/api/users", "{not json").status()).isEqualTo(422);
        assertThat(http.post("/api/users", "").status()).isEqualTo(422);
        assertThat(http.post("/api/users", "{}").errors()).containsEntry("user", "can't be blank");
        assertThat(http.post("/api/users", "[1,2]").status()).isEqualTo(422);
        var wrongType =
                http.post("/api/users", "{\"user\":{\"username\":42,\"email\":\"a@b.co\",\"password\":\"password1\"}}");
        assertThat(wrongType.status()).isEqualTo(422);
        assertThat(wrongType.errors()).containsKey("username");
        assertThat(http.post("/api/users", "{\"user\":\"alice\"}").status()).isEqualTo(422);
    }

    @Test
    void logsInWithTheEmailInAnyCase() {
        var user = Users.register(http);

        var response =
                http.post("/api/users/login", login(user.email().toUpperCase(java.util.Locale.ROOT), user.password()));

        assertThat(response.status()).isEqualTo(200);
        String token = response.json().at("/user/token").asText();
        assertThat(token).isNotEqualTo(user.token());
        assertThat(http.get("/api/user", token(token))
                        .json()
                        .at("/user/username")
                        .asText())
                .isEqualTo(user.username());
    }

    @Test
    void refusesAWrongPasswordOrUnknownEmailWith401CredentialsInvalid() {
        var user = Users.register(http);

        var wrongPassword = http.post("/api/users/login", login(user.email(), "not-the-password"));
        var unknownEmail = http.post("/api/users/login", login(unique("nobody") + "@example.com", "password123"));

        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(wrongPassword.errors()).containsEntry("credentials", "invalid");
        assertThat(unknownEmail.status()).isEqualTo(401);
        assertThat(unknownEmail.errors()).containsEntry("credentials", "invalid");
    }

    @Test
    void rejectsABlankLoginWith422() {
        var response = http.post("/api/users/login", "{\"user\":{\"email\":\"\",\"password\":\"\"}}");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.errors())
                .containsEntry("email", "can't be blank")
                .containsEntry("password", "can't be blank");
    }

    @Test
    void answers401TokenIsMissingWithoutATokenAndTokenInvalidWithABadOne() {
        var missing = http.get("/api/user");
        var bad = http.get("/api/user", token("not-a-real-token"));
        var badScheme = http.get("/api/user", "Authorization", "Basic abc");

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.errors()).containsEntry("token", "is missing");
        assertThat(bad.status()).isEqualTo(401);
        assertThat(bad.errors()).containsEntry("token", "invalid");
        assertThat(badScheme.status()).isEqualTo(401);
    }

    @Test
    void returnsTheCurrentUserWithTheTokenItWasCalledWith() {
        var user = Users.register(http);

        var response = http.get("/api/user", token(user.token()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().at("/user/token").asText()).isEqualTo(user.token());
        assertThat(response.json().at("/user/email").asText()).isEqualTo(user.email());
    }

    @Test
    void updatesPartiallyKeepingAbsentFieldsAndClearingBioAndImage() {
        var user = Users.register(http);
        http.put(
                "/api/user",
                "{\"user\":{\"bio\":\"I write\",\"image\":\"https://example.com/me.png\"}}",
                token(user.token()));

        var onlyBio = http.put("/api/user", "{\"user\":{\"bio\":\"changed\"}}", token(user.token()));
        var cleared = http.put("/api/user", "{\"user\":{\"bio\":\"\",\"image\":null}}", token(user.token()));

        assertThat(onlyBio.status()).isEqualTo(200);
        assertThat(onlyBio.json().at("/user/bio").asText()).isEqualTo("changed");
        assertThat(onlyBio.json().at("/user/image").asText()).isEqualTo("https://example.com/me.png");
        assertThat(cleared.json().at("/user/bio").isNull()).isTrue();
        assertThat(cleared.json().at("/user/image").isNull()).isTrue();
        assertThat(cleared.json().at("/user/username").asText()).isEqualTo(user.username());
        assertThat(http.get("/api/user", token(user.token()))
                        .json()
                        .at("/user/bio")
                        .isNull())
                .isTrue();
    }

    @Test
    void keepsTheTokenWorkingAfterAUsernameAndEmailChange() {
        var user = Users.register(http);
        String newName = unique("renamed");

        var response = http.put(
                "/api/user",
                "{\"user\":{\"username\":\"" + newName + "\",\"email\":\"" + newName + "@example.com\"}}",
                token(user.token()));

        assertThat(response.status()).isEqualTo(200);
        String returned = response.json().at("/user/token").asText();
        var current = http.get("/api/user", token(returned));
        assertThat(current.json().at("/user/username").asText()).isEqualTo(newName);
        assertThat(http.post("/api/users/login", login(newName + "@example.com", user.password()))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void rejectsBlankOrNullEmailUsernameAndPasswordOnUpdateAndChangesNothing() {
        var user = Users.register(http);

        var emptyEmail =
                http.put("/api/user", "{\"user\":{\"email\":\"\",\"bio\":\"should not stick\"}}", token(user.token()));
        var nullUsername = http.put("/api/user", "{\"user\":{\"username\":null}}", token(user.token()));
        var nullPassword = http.put("/api/user", "{\"user\":{\"password\":null}}", token(user.token()));
        var emptyPassword = http.put("/api/user", "{\"user\":{\"password\":\"\"}}", token(user.token()));
        var shortPassword = http.put("/api/user", "{\"user\":{\"password\":\"short\"}}", token(user.token()));

        assertThat(emptyEmail.status()).isEqualTo(422);
        assertThat(emptyEmail.errors()).containsEntry("email", "can't be blank");
        assertThat(nullUsername.status()).isEqualTo(422);
        assertThat(nullPassword.status()).isEqualTo(422);
        assertThat(emptyPassword.status()).isEqualTo(422);
        assertThat(shortPassword.status()).isEqualTo(422);
        var current = http.get("/api/user", token(user.token())).json();
        assertThat(current.at("/user/bio").isNull()).isTrue();
        assertThat(current.at("/user/email").asText()).isEqualTo(user.email());
        assertThat(http.post("/api/users/login", login(user.email(), user.password()))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void rejectsAnUpdateToAnotherUsersEmailOrUsernameWith409() {
        var first = Users.register(http);
        var second = Users.register(http);

        var email = http.put("/api/user", "{\"user\":{\"email\":\"" + first.email() + "\"}}", token(second.token()));
        var name =
                http.put("/api/user", "{\"user\":{\"username\":\"" + first.username() + "\"}}", token(second.token()));
        var own = http.put("/api/user", "{\"user\":{\"email\":\"" + second.email() + "\"}}", token(second.token()));

        assertThat(email.status()).isEqualTo(409);
        assertThat(email.errors()).containsEntry("email", "has already been taken");
        assertThat(name.status()).isEqualTo(409);
        assertThat(own.status()).isEqualTo(200);
    }

    @Test
    void acceptsAPasswordOf8To64CharactersOnUpdate() {
        var user = Users.register(http);

        var response =
                http.put("/api/user", "{\"user\":{\"password\":\"" + "n".repeat(64) + "\"}}", token(user.token()));

        assertThat(response.status()).isEqualTo(200);
        assertThat(http.post("/api/users/login", login(user.email(), "n".repeat(64)))
                        .status())
                .isEqualTo(200);
        assertThat(http.post("/api/users/login", login(user.email(), user.password()))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void requiresATokenToUpdate() {
        var response = http.put("/api/user", "{\"user\":{\"bio\":\"x\"}}");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.errors()).containsEntry("token", "is missing");
    }
}
