package io.conduit.profiles;

import io.conduit.identity.UserView;
import io.conduit.identity.Users;
import io.conduit.platform.NotFound;
import io.conduit.platform.UserId;
import io.conduit.platform.database.AfterCommit;
import io.conduit.platform.redis.KeyedCache;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * Profiles and follows. Users come from identity's facade; follows live in this module's schema.
 * Whom a user follows is kept in process ({@link KeyedCache}, under {@value #KEPT_FOLLOWING}{@code
 * <id>}): every follow or unfollow touches that key once committed, so each instance drops its copy.
 */
final class ProfileService implements Profiles {
    static final String KEPT_FOLLOWING = "profiles:following:";

    private final Jdbi jdbi;
    private final FollowRepository follows;
    private final KeyedCache kept;
    private final Users users;
    private final Clock clock;

    ProfileService(Jdbi jdbi, FollowRepository follows, KeyedCache kept, Users users, Clock clock) {
        this.jdbi = jdbi;
        this.follows = follows;
        this.kept = kept;
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Optional<ProfileView> byUsername(String username, Optional<UserId> viewer) {
        return users.byUsername(username)
                .map(user -> view(
                        user, viewer.isPresent() && followedBy(viewer.get()).contains(user.id())));
    }

    @Override
    public Map<UserId, ProfileView> byIds(Set<UserId> ids, Optional<UserId> viewer) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<UserId, UserView> found = users.byIds(ids);
        Set<UserId> followed = viewer.isEmpty() || found.isEmpty() ? Set.of() : followedBy(viewer.get());
        return found.values().stream()
                .map(user -> view(user, followed.contains(user.id())))
                .collect(Collectors.toUnmodifiableMap(ProfileView::id, Function.identity()));
    }

    @Override
    public Set<UserId> followedBy(UserId follower) {
        return kept.get(
                KEPT_FOLLOWING + follower.value(),
                () -> Set.copyOf(jdbi.withHandle(h -> follows.followees(h, follower))));
    }

    ProfileView follow(UserId follower, String username) {
        UserView user = users.byUsername(username).orElseThrow(() -> new NotFound("profile"));
        jdbi.useHandle(h -> {
            follows.follow(h, follower, user.id(), clock.instant());
            AfterCommit.run(h, () -> kept.touch(KEPT_FOLLOWING + follower.value()));
        });
        return view(user, true);
    }

    ProfileView unfollow(UserId follower, String username) {
        UserView user = users.byUsername(username).orElseThrow(() -> new NotFound("profile"));
        jdbi.useHandle(h -> {
            follows.unfollow(h, follower, user.id());
            AfterCommit.run(h, () -> kept.touch(KEPT_FOLLOWING + follower.value()));
        });
        return view(user, false);
    }

    private static ProfileView view(UserView user, boolean following) {
        return new ProfileView(user.id(), user.username(), user.bio(), user.image(), following);
    }
}
