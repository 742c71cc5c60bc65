package io.conduit.identity;

import io.conduit.platform.Timestamps;
import io.conduit.platform.Unauthorized;
import io.conduit.platform.UserId;
import io.conduit.platform.Violations;
import io.conduit.platform.database.AfterCommit;
import io.conduit.platform.events.Events;
import io.conduit.platform.redis.KeyedCache;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Registration, login, the current user and its sessions. Password hashing runs outside database
 * transactions, so a slow hash never holds a pooled connection. An update publishes {@link
 * UserUpdated} on its transaction.
 */
final class UserService implements Users {
    /**
     * The Redis key that stands for a user's row: the row is kept in process ({@link KeyedCache})
     * for the current-user endpoint, and every change of it touches the key once committed.
     */
    static final String KEPT_USER = "identity:user:";

    private final Jdbi jdbi;
    private final UserRepository repository;
    private final PasswordHasher hasher;
    private final SessionStore sessions;
    private final KeyedCache kept;
    private final Events events;
    private final Clock clock;

    UserService(
            Jdbi jdbi,
            UserRepository repository,
            PasswordHasher hasher,
            SessionStore sessions,
            KeyedCache kept,
            Events events,
            Clock clock) {
        this.jdbi = jdbi;
        this.repository = repository;
        this.hasher = hasher;
        this.sessions = sessions;
        this.kept = kept;
        this.events = events;
        this.clock = clock;
    }

    AuthenticatedUser register(NewUser user) {
        var v = new Violations();
        UserRules.username(v, user.username());
        UserRules.email(v, user.email());
        UserRules.password(v, user.password());
        v.throwIfAny();

        String hash = hasher.hash(user.password());
        var now = Timestamps.apiPrecision(clock.instant());
        // The session is created before the commit: if Redis cannot take it, the user is not
        // registered either, and a retry starts afresh instead of finding its own name taken.
        return jdbi.inTransaction(h -> {
            repository.ensureFree(h, user.username(), user.email(), null);
            UserRow row = repository.insert(h, user, hash, now);
            return new AuthenticatedUser(row, sessions.create(row.id()));
        });
    }

    AuthenticatedUser login(String email, String password) {
        var v = new Violations();
        if (UserRules.isBlank(email)) {
            v.add("email", io.conduit.platform.Invalid.BLANK);
        }
        if (password.isEmpty()) {
            v.add("password", io.conduit.platform.Invalid.BLANK);
        }
        v.throwIfAny();

        Optional<UserRow> found = jdbi.withHandle(h -> repository.findByEmail(h, email));
        if (found.isEmpty()) {
            hasher.verifyDecoy(password);
            throw Unauthorized.invalidCredentials();
        }
        UserRow user = found.get();
        if (!hasher.verify(user.passwordHash(), password)) {
            throw Unauthorized.invalidCredentials();
        }
        if (hasher.needsRehash(user.passwordHash())) {
            user = rehash(user, password);
        }
        return new AuthenticatedUser(user, sessions.create(user.id()));
    }

    /** The signed-in user; 401 when the account is gone while its session lived on. */
    UserRow current(UserId user) {
        return kept.get(KEPT_USER + user.value(), () -> jdbi.withHandle(h -> repository.findById(h, user)))
                .orElseThrow(Unauthorized::invalidToken);
    }

    /** Applies a partial update; a new password ends every session of the user but {@code session}. */
    UserRow update(UserId userId, SessionId session, UserChanges changes) {
        var v = new Violations();
        if (changes.username() != null) {
            UserRules.username(v, changes.username());
        }
        if (changes.email() != null) {
            UserRules.email(v, changes.email());
        }
        if (changes.password() != null) {
            UserRules.password(v, changes.password());
        }
        UserRules.optionalText(v, "bio", changes.bio(), UserRules.BIO_MAX);
        UserRules.optionalText(v, "image", changes.image(), UserRules.IMAGE_MAX);
        v.throwIfAny();

        String newHash = changes.password() == null ? null : hasher.hash(changes.password());
        var now = Timestamps.apiPrecision(clock.instant());
        return jdbi.inTransaction(h -> {
            UserRow user = repository.findById(h, userId).orElseThrow(Unauthorized::invalidToken);
            String username = changes.username() == null ? user.username() : changes.username();
            String email = changes.email() == null ? user.email() : changes.email();
            repository.ensureFree(h, username, email, user.id());
            UserRow changed = repository.update(
                    h,
                    new UserRow(
                            user.id(),
                            username,
                            email,
                            newHash == null ? user.passwordHash() : newHash,
                            changes.bioSent() ? changes.bio() : user.bio(),
                            changes.imageSent() ? changes.image() : user.image(),
                            user.createdAt(),
                            now));
            if (newHash != null) {
                // Before the commit: a password that changed while the other sessions live on
                // would leave a stolen token working. The other way round only logs them out.
                sessions.revokeAll(userId, session);
            }
            AfterCommit.run(h, () -> kept.touch(KEPT_USER + changed.id().value()));
            events.publish(h, new UserUpdated(changed.id(), now));
            return changed;
        });
    }

    void logout(UserId user, SessionId session) {
        sessions.revoke(user, session);
    }

    void logoutEverywhere(UserId user) {
        sessions.revokeAll(user, null);
    }

    @Override
    public Optional<UserView> byId(UserId id) {
        return jdbi.withHandle(h -> repository.findById(h, id)).map(UserRow::view);
    }

    @Override
    public Optional<UserView> byUsername(String username) {
        return jdbi.withHandle(h -> repository.findByUsername(h, username)).map(UserRow::view);
    }

    @Override
    public Map<UserId, UserView> byIds(Set<UserId> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return jdbi.withHandle(h -> repository.findByIds(h, ids)).stream()
                .map(UserRow::view)
                .collect(Collectors.toUnmodifiableMap(UserView::id, Function.identity()));
    }

    private UserRow rehash(UserRow user, String password) {
        String hash = hasher.hash(password);
        return jdbi.inTransaction(h -> {
            AfterCommit.run(h, () -> kept.touch(KEPT_USER + user.id().value()));
            return repository.update(
                    h,
                    new UserRow(
                            user.id(),
                            user.username(),
                            user.email(),
                            hash,
                            user.bio(),
                            user.image(),
                            user.createdAt(),
                            user.updatedAt()));
        });
    }
}
