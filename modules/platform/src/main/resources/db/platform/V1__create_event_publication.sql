-- The transactional outbox: one row per (event, subscriber), written in the same transaction as the
-- change that caused the event, delivered at least once by OutboxRelay on any instance.
create table platform.event_publication (
    id              bigint generated always as identity primary key,
    subscriber      text        not null,
    event_type      text        not null,
    payload         jsonb       not null,
    published_at    timestamptz not null,
    next_attempt_at timestamptz not null,
    completed_at    timestamptz,
    attempts        integer     not null default 0,
    last_error      text
);

-- The relay claims due rows oldest first; only pending rows are indexed.
create index event_publication_due on platform.event_publication (next_attempt_at, id) where completed_at is null;
