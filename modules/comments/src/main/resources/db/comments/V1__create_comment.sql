-- Comments on articles. article_id and author_id belong to other modules' schemas: plain ids.
create table comments.comment (
    id         bigint generated always as identity primary key,
    article_id bigint      not null,
    author_id  bigint      not null,
    body       text        not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

create index comment_by_article on comments.comment (article_id, created_at desc, id desc);
