-- Who follows whom. User ids come from identity; no foreign key crosses schemas.
create table profiles.follow (
    follower_id bigint      not null,
    followee_id bigint      not null,
    created_at  timestamptz not null,
    primary key (follower_id, followee_id)
);

create index follow_followee on profiles.follow (followee_id);
