-- Articles, their tags and favorites. author_id and user_id are identity's user ids (no foreign key
-- across schemas). Lists are newest first with the id as tie-breaker: (created_at desc, id desc).
create table articles.article (
    id          bigint generated always as identity primary key,
    slug        text        not null,
    title       text        not null,
    description text        not null,
    body        text        not null,
    author_id   bigint      not null,
    created_at  timestamptz not null,
    updated_at  timestamptz not null
);

create unique index article_slug_key on articles.article (slug);
create index article_recent on articles.article (created_at desc, id desc);
create index article_author_recent on articles.article (author_id, created_at desc, id desc);

-- created_at is copied here so a tag filter walks one index in list order.
create table articles.article_tag (
    article_id bigint      not null references articles.article (id) on delete cascade,
    tag        text        not null,
    created_at timestamptz not null,
    primary key (article_id, tag)
);

create index article_tag_recent on articles.article_tag (tag, created_at desc, article_id desc);

create table articles.favorite (
    article_id bigint      not null references articles.article (id) on delete cascade,
    user_id    bigint      not null,
    created_at timestamptz not null,
    primary key (article_id, user_id)
);

create index favorite_by_user on articles.favorite (user_id, article_id);

-- Exact counts kept in step with the rows, so articlesCount of the global list and of a tag list
-- is one indexed read instead of a count over every article. GET /api/tags reads tag too.
create table articles.tag (
    name          text   primary key,
    article_count bigint not null check (article_count >= 0)
);

create table articles.totals (
    singleton     boolean primary key default true check (singleton),
    article_count bigint  not null check (article_count >= 0)
);

insert into articles.totals (singleton, article_count) values (true, 0);
