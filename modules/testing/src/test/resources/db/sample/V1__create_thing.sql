create table sample.thing (
    id bigint generated always as identity primary key,
    at timestamptz not null
);
