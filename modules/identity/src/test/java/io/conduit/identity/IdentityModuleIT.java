package io.conduit.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import de.mkammerer.argon2.Argon2Factory;
import io.conduit.platform.Conflict;
import io.conduit.platform.Unauthorized;
import io.conduit.platform.UserId;
import io.conduit.platform.events.Events;
import io.conduit.platform.redis.KeyedCache;
import io.conduit.testing.ModuleDatabase;
import io.conduit.testing.ModuleRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registration, login, updates and sessions through {@link UserService}, on real PostgreSQL and Redis. */
class IdentityModuleIT {
    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.migrating(IdentityModule.DESCRIPTOR);

    @RegisterExtension
    static final ModuleRedis redis = new ModuleRedis();

    private static final PasswordHasher HASHER = new PasswordHasher(2);
    private static final AtomicInteger NAMES = new AtomicInteger();
    private static final String PASSWORD = "correct horse";
    private static final SessionId NO_SESSION = new SessionId("none");

    /** Each {@link UserUpdated} told after commit, with the username another connection reads then. */
    private final List<Map.Entry<UserUpdated, String>> updates = new CopyOnWriteArrayList<>();

    private SessionStore sessions;
    private UserService users;

    @BeforeEach
    void wire() {
        var clock = Clock.systemUTC();
        var events = new Events(clock);
        events.afterCommit(UserUpdated.class, e -> updates.add(Map.entry(e, committedUsername(e.userId()))));
        sessions = new SessionStore(
                redis.redis(), clock, Duration.ofHours(1), Duration.ofDays(1), new SimpleMeterRegistry());
        users = new UserService(
                db.jdbi(), new UserRepository(), HASHER, sessions, KeyedCache.none(redis.redis()), events, clock);
    }

    @Test
    void registersAUserWithAHashedPasswordAndASession() {
        String name = unique();

        AuthenticatedUser registered = register(name);

        assertThat(db.count(
                        "select count(*) from identity.user_account where id = ? and username = ? and email = ?",
                        registered.user().id().value(),
                        name,
                        email(name)))
                .isOne();
        assertThat(registered.user().passwordHash()).startsWith("$argon2id$").doesNotContain(PASSWORD);
        assertThat(sessions.find(registered.token())).contains(registered.user().id());
    }

    @Test
    void refusesATakenUsernameOrEmailWhateverItsCase() {
        String name = unique();
        register(name);

        assertThatExceptionOfType(Conflict.class)
                .isThrownBy(() -> users.register(new NewUser(name.toUpperCase(), email(unique()), PASSWORD)))
                .satisfies(e -> assertThat(e.errors()).isEqualTo(Map.of("username", List.of(Conflict.TAKEN))));
        assertThatExceptionOfType(Conflict.class)
                .isThrownBy(
                        () -> users.register(new NewUser(unique(), email(name).toUpperCase(), PASSWORD)))
                .satisfies(e -> assertThat(e.errors()).isEqualTo(Map.of("email", List.of(Conflict.TAKEN))));
        assertThat(db.count("select count(*) from identity.user_account where lower(email) = ?", email(name)))
                .isOne();
    }

    @Test
    void logsInWithTheRightPasswordOnly() {
        String name = unique();
        UserId id = register(name).user().id();

        AuthenticatedUser loggedIn = users.login(email(name).toUpperCase(), PASSWORD);

        assertThat(sessions.find(loggedIn.token())).contains(id);
        assertThatExceptionOfType(Unauthorized.class)
                .isThrownBy(() -> users.login(email(name), "wrong password"))
                .satisfies(e -> assertThat(e.errors()).isEqualTo(Map.of("credentials", List.of("invalid"))));
        assertThatExceptionOfType(Unauthorized.class).isThrownBy(() -> users.login(email(unique()), PASSWORD));
    }

    @Test
    void aHashOfEarlierParametersIsReplacedAtTheNextLogin() {
        String name = unique();
        UserId id = register(name).user().id();
        String current = storedHash(id);
        assertThat(current).contains(PasswordHasher.PARAMETERS);
        // what every account stored before the parameters changed: OWASP's m = 19 MiB, t = 2
        String earlier = Argon2Factory.create(Argon2Factory.Argon2Types.ARGON2id)
                .hash(2, 19 * 1024, 1, PASSWORD.toCharArray(), StandardCharsets.UTF_8);
        db.jdbi()
                .useHandle(h -> h.execute(
                        "update identity.user_account set password_hash = ? where id = ?", earlier, id.value()));

        assertThat(sessions.find(users.login(email(name), PASSWORD).token())).contains(id);

        String replaced = storedHash(id);
        assertThat(replaced).isNotEqualTo(earlier).contains(PasswordHasher.PARAMETERS);
        assertThat(HASHER.verify(replaced, PASSWORD)).isTrue();
        assertThat(sessions.find(users.login(email(name), PASSWORD).token())).contains(id);
        assertThat(storedHash(id)).as("a current hash is kept as it is").isEqualTo(replaced);
    }

    @Test
    void publishesUserUpdatedOnceTheChangeIsCommitted() {
        UserId id = register(unique()).user().id();
        String renamed = unique();

        UserRow changed = users.update(id, NO_SESSION, rename(renamed));

        assertThat(changed.username()).isEqualTo(renamed);
        assertThat(db.count(
                        "select count(*) from identity.user_account where id = ? and username = ? and bio = ?",
                        id.value(),
                        renamed,
                        "renamed"))
                .isOne();
        assertThat(updates).singleElement().satisfies(told -> {
            assertThat(told.getKey().userId()).isEqualTo(id);
            assertThat(told.getValue())
                    .as("the name another connection reads when told")
                    .isEqualTo(renamed);
        });
    }

    @Test
    void refusedUpdateChangesNothingAndPublishesNothing() {
        String taken = unique();
        register(taken);
        String name = unique();
        UserId id = register(name).user().id();

        assertThatExceptionOfType(Conflict.class).isThrownBy(() -> users.update(id, NO_SESSION, rename(taken)));

        assertThat(committedUsername(id)).isEqualTo(name);
        assertThat(updates).isEmpty();
    }

    @Test
    void aNewPasswordEndsEveryOtherSessionOfTheUser() {
        String name = unique();
        AuthenticatedUser first = register(name);
        AuthenticatedUser second = users.login(email(name), PASSWORD);
        UserId id = first.user().id();

        users.update(
                id,
                SessionId.ofToken(second.token()),
                new UserChanges(null, null, "new password", false, null, false, null));

        assertThat(sessions.find(first.token())).isEmpty();
        assertThat(sessions.find(second.token())).contains(id);
        assertThat(sessions.find(users.login(email(name), "new password").token()))
                .contains(id);
        assertThatExceptionOfType(Unauthorized.class).isThrownBy(() -> users.login(email(name), PASSWORD));
    }

    private AuthenticatedUser register(String name) {
        return users.register(new NewUser(name, email(name), PASSWORD));
    }

    /** The stored password hash, as another connection reads it. */
    private static String storedHash(UserId id) {
        return db.select(String.class, "select password_hash from identity.user_account where id = ?", id.value());
    }

    /** The user's name as another connection reads it: only what is committed. */
    private static String committedUsername(UserId id) {
        return db.select(String.class, "select username from identity.user_account where id = ?", id.value());
    }

    private static UserChanges rename(String username) {
        return new UserChanges(username, null, null, true, "renamed", false, null);
    }

    private static String email(String name) {
        return name + "@example.com";
    }

    private static String unique() {
        return "user" + NAMES.incrementAndGet();
    }
}
