package io.conduit.profiles;

import io.conduit.identity.UserView;
import io.conduit.identity.Users;
import io.conduit.platform.NotFound;
import io.conduit.platform.UserId;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** Profiles and follows. Users come from identity's facade; follows live in this module's schema. */
final class ProfileService implements Profiles {
    private final Jdbi jdbi;
    private final FollowRepository follows;
    private final Users users;
    private final Clock clock;

    ProfileService(Jdbi jdbi, FollowRepository follows, Users users, Clock clock) {
        this.jdbi = jdbi;
        this.follows = follows;
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Optional<ProfileView> byUsername(String username, Optional<UserId> viewer) {
        return users.byUsername(username)
                .map(user -> view(
                        user,
                        viewer.isPresent()
                                && !jdbi.withHandle(h -> follows.followingAmong(h, viewer.get(), Set.of(user.id())))
                                        .isEmpty()));
    }

    @Override
    public Map<UserId, ProfileView> byIds(Set<UserId> ids, Optional<UserId> viewer) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<UserId, UserView> found = users.byIds(ids);
        Set<UserId> followed = viewer.isEmpty() || found.isEmpty()
                ? Set.of()
                : jdbi.withHandle(h -> follows.followingAmong(h, viewer.get(), found.keySet()));
        return found.values().stream()
                .map(user -> view(user, followed.contains(user.id())))
                .collect(Collectors.toUnmodifiableMap(ProfileView::id, Function.identity()));
    }

    @Override
    public Set<UserId> followedBy(UserId follower) {
        return jdbi.withHandle(h -> follows.followees(h, follower));
    }

    ProfileView follow(UserId follower, String username) {
        UserView user = users.byUsername(username).orElseThrow(() -> new NotFound("profile"));
        jdbi.useHandle(h -> follows.follow(h, follower, user.id(), clock.instant()));
        return view(user, true);
    }

    ProfileView unfollow(UserId follower, String username) {
        UserView user = users.byUsername(username).orElseThrow(() -> new NotFound("profile"));
        jdbi.useHandle(h -> follows.unfollow(h, follower, user.id()));
        return view(user, false);
    }

    private static ProfileView view(UserView user, boolean following) {
        return new ProfileView(user.id(), user.username(), user.bio(), user.image(), following);
    }
}
