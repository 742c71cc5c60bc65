-- Idempotency-Key records live next to the data they protect: the business transaction marks its
-- key "committed" before it commits, so a retry can never run a committed request a second time,
-- whatever happened to the instance or to Redis in between.
create table platform.idempotency_key (
    key          text        primary key,  -- caller scope + SHA-256 of the client's key
    fingerprint  text        not null,     -- SHA-256 of method, path and body
    state        text        not null check (state in ('running', 'committed', 'done')),
    owner        uuid        not null,     -- the attempt that holds the claim
    lease_until  timestamptz not null,     -- a 'running' claim past this may be taken over
    expires_at   timestamptz not null,     -- the record may be purged after this
    status       integer,
    content_type text,
    body         text
);

create index idempotency_key_expiry on platform.idempotency_key (expires_at);
