-- Idempotency-Key records are now written only by the transaction that carries out the request
-- (state 'done' with the response, or 'committed' when the response carries a credential), while
-- a transaction-scoped advisory lock on the key marks the attempt that runs it: PostgreSQL frees
-- the lock the moment that attempt's connection dies, so no lease is needed. owner and lease_until
-- stay, nullable, for the release in which instances of the previous version still write
-- 'running' claims (a rolling AMI refresh runs both); a later migration drops them.
alter table platform.idempotency_key alter column owner drop not null;
alter table platform.idempotency_key alter column lease_until drop not null;
