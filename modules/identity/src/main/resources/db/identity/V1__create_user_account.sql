-- Users of Conduit. Emails are unique and matched without regard to case; usernames are unique
-- without regard to case too (no "Alice" beside "alice"), but looked up exactly.
create table identity.user_account (
    id            bigint generated always as identity primary key,
    username      text        not null,
    email         text        not null,
    password_hash text        not null,
    bio           text,
    image         text,
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);

create unique index user_account_username_key on identity.user_account (lower(username));
create unique index user_account_email_key on identity.user_account (lower(email));
create index user_account_username_exact on identity.user_account (username);
