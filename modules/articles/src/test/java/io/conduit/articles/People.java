package io.conduit.articles;

import io.conduit.identity.UserView;
import io.conduit.identity.Users;
import io.conduit.platform.UserId;
import io.conduit.profiles.ProfileView;
import io.conduit.profiles.Profiles;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** identity's and profiles' facades as articles calls them, in memory: users the tests make up, and follows. */
final class People implements Users, Profiles {
    private static final AtomicLong IDS = new AtomicLong();

    private final Map<UserId, UserView> users = new ConcurrentHashMap<>();
    private final Set<Map.Entry<UserId, UserId>> follows = ConcurrentHashMap.newKeySet();

    /** A new user, known from now on. */
    UserView add() {
        long id = IDS.incrementAndGet();
        var user = new UserView(new UserId(id), "user" + id, null, null);
        users.put(user.id(), user);
        return user;
    }

    void follow(UserView follower, UserView followee) {
        follows.add(Map.entry(follower.id(), followee.id()));
    }

    @Override
    public Optional<UserView> byId(UserId id) {
        return Optional.ofNullable(users.get(id));
    }

    @Override
    public Optional<UserView> byUsername(String username) {
        return users.values().stream()
                .filter(u -> u.username().equals(username))
                .findFirst();
    }

    @Override
    public Map<UserId, UserView> byIds(Set<UserId> ids) {
        return users.values().stream()
                .filter(u -> ids.contains(u.id()))
                .collect(Collectors.toMap(UserView::id, u -> u));
    }

    @Override
    public Optional<ProfileView> byUsername(String username, Optional<UserId> viewer) {
        return byUsername(username).map(u -> profile(u, viewer));
    }

    @Override
    public Map<UserId, ProfileView> byIds(Set<UserId> ids, Optional<UserId> viewer) {
        return byIds(ids).values().stream().collect(Collectors.toMap(UserView::id, u -> profile(u, viewer)));
    }

    @Override
    public Set<UserId> followedBy(UserId follower) {
        return follows.stream()
                .filter(f -> f.getKey().equals(follower))
                .map(Map.Entry::getValue)
                .collect(Collectors.toSet());
    }

    private ProfileView profile(UserView user, Optional<UserId> viewer) {
        boolean following = viewer.isPresent() && follows.contains(Map.entry(viewer.get(), user.id()));
        return new ProfileView(user.id(), user.username(), user.bio(), user.image(), following);
    }
}
