package io.conduit.profiles;

import io.conduit.platform.UserId;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/** SQL for {@code profiles.follow}. */
final class FollowRepository {
    private static final String FOLLOWEES = "select followee_id from profiles.follow where follower_id = :follower";
    private static final String FOLLOW = """
            insert into profiles.follow (follower_id, followee_id, created_at) values (:follower, :followee, :now)
            on conflict do nothing
            """;
    private static final String UNFOLLOW =
            "delete from profiles.follow where follower_id = :follower and followee_id = :followee";

    Set<UserId> followees(Handle h, UserId follower) {
        return new HashSet<>(h.createQuery(FOLLOWEES)
                .bind("follower", follower.value())
                .map((rs, ctx) -> new UserId(rs.getLong(1)))
                .list());
    }

    void follow(Handle h, UserId follower, UserId followee, Instant now) {
        h.createUpdate(FOLLOW)
                .bind("follower", follower.value())
                .bind("followee", followee.value())
                .bind("now", now)
                .execute();
    }

    void unfollow(Handle h, UserId follower, UserId followee) {
        h.createUpdate(UNFOLLOW)
                .bind("follower", follower.value())
                .bind("followee", followee.value())
                .execute();
    }
}
