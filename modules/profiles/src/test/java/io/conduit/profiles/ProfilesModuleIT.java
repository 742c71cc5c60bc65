package io.conduit.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.conduit.identity.UserView;
import io.conduit.identity.Users;
import io.conduit.platform.NotFound;
import io.conduit.platform.UserId;
import io.conduit.platform.redis.KeyedCache;
import io.conduit.testing.ModuleDatabase;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Follows and profiles through {@link ProfileService}, on real PostgreSQL; identity is a map. */
class ProfilesModuleIT {
    @RegisterExtension
    static final ModuleDatabase db = ModuleDatabase.migrating(ProfilesModule.DESCRIPTOR);

    /** The users identity knows: the ones the tests made up, by username. */
    private static final Map<String, UserView> KNOWN = new ConcurrentHashMap<>();

    private static final AtomicLong IDS = new AtomicLong();

    private static final Users USERS = new Users() {
        @Override
        public Optional<UserView> byId(UserId id) {
            return byIds(Set.of(id)).values().stream().findFirst();
        }

        @Override
        public Optional<UserView> byUsername(String username) {
            return Optional.ofNullable(KNOWN.get(username));
        }

        @Override
        public Map<UserId, UserView> byIds(Set<UserId> ids) {
            return KNOWN.values().stream()
                    .filter(user -> ids.contains(user.id()))
                    .collect(Collectors.toMap(UserView::id, user -> user));
        }
    };

    private final ProfileService profiles =
            new ProfileService(db.jdbi(), new FollowRepository(), KeyedCache.NONE, USERS, Clock.systemUTC());

    @Test
    void followingTwiceIsOneFollowSeenOnlyByTheFollower() {
        UserView alice = user();
        UserView bob = user();

        profiles.follow(alice.id(), bob.username());
        ProfileView followed = profiles.follow(alice.id(), bob.username());

        assertThat(followed.following()).isTrue();
        assertThat(follows(alice, bob)).isOne();
        assertThat(profiles.byUsername(bob.username(), Optional.of(alice.id())))
                .hasValueSatisfying(p -> assertThat(p.following()).isTrue());
        assertThat(profiles.byUsername(bob.username(), Optional.of(user().id())))
                .hasValueSatisfying(p -> assertThat(p.following()).isFalse());
        assertThat(profiles.byUsername(bob.username(), Optional.empty()))
                .hasValueSatisfying(p -> assertThat(p.following()).isFalse());
    }

    @Test
    void unfollowingTwiceLeavesNoFollow() {
        UserView alice = user();
        UserView bob = user();
        profiles.follow(alice.id(), bob.username());

        profiles.unfollow(alice.id(), bob.username());
        ProfileView unfollowed = profiles.unfollow(alice.id(), bob.username());

        assertThat(unfollowed.following()).isFalse();
        assertThat(follows(alice, bob)).isZero();
        assertThat(profiles.followedBy(alice.id())).isEmpty();
    }

    @Test
    void givesABatchOfProfilesAsTheViewerSeesThem() {
        UserView viewer = user();
        UserView followed = user();
        UserView other = user();
        profiles.follow(viewer.id(), followed.username());
        var unknown = new UserId(IDS.incrementAndGet()); // a user identity does not know

        Map<UserId, ProfileView> seen =
                profiles.byIds(Set.of(followed.id(), other.id(), unknown), Optional.of(viewer.id()));

        assertThat(seen).containsOnlyKeys(followed.id(), other.id());
        assertThat(seen.get(followed.id()).following()).isTrue();
        assertThat(seen.get(other.id()).following()).isFalse();
        assertThat(seen.get(other.id()).username()).isEqualTo(other.username());
        assertThat(profiles.byIds(Set.of(followed.id()), Optional.empty())
                        .get(followed.id())
                        .following())
                .isFalse();
        assertThat(profiles.byIds(Set.of(), Optional.of(viewer.id()))).isEmpty();
    }

    @Test
    void listsExactlyWhomAUserFollows() {
        UserView alice = user();
        UserView bob = user();
        UserView carol = user();
        UserView dave = user();

        profiles.follow(alice.id(), bob.username());
        profiles.follow(alice.id(), carol.username());
        profiles.follow(dave.id(), alice.username());

        assertThat(profiles.followedBy(alice.id())).containsExactlyInAnyOrder(bob.id(), carol.id());
        assertThat(profiles.followedBy(dave.id())).containsExactly(alice.id());
        assertThat(profiles.followedBy(bob.id())).isEmpty();
    }

    @Test
    void refusesToFollowAnUnknownUser() {
        UserView alice = user();

        assertThatExceptionOfType(NotFound.class)
                .isThrownBy(() -> profiles.follow(alice.id(), "nobody"))
                .satisfies(e -> assertThat(e.errors()).containsOnlyKeys("profile"));
        assertThat(db.count(
                        "select count(*) from profiles.follow where follower_id = ?",
                        alice.id().value()))
                .isZero();
    }

    private static long follows(UserView follower, UserView followee) {
        return db.count(
                "select count(*) from profiles.follow where follower_id = ? and followee_id = ?",
                follower.id().value(),
                followee.id().value());
    }

    /** A user identity knows from now on. */
    private static UserView user() {
        long id = IDS.incrementAndGet();
        var user = new UserView(new UserId(id), "user" + id, "bio of user" + id, null);
        KNOWN.put(user.username(), user);
        return user;
    }
}
