-- Exact article counts per author, kept in step with the rows like articles.tag and
-- articles.totals: articlesCount of the feed (articles by any of 20-50 followed authors) and of an
-- author's list is a sum over a few rows instead of a count over all their articles.
create table articles.author_totals (
    author_id     bigint primary key,
    article_count bigint not null check (article_count >= 0)
);

insert into articles.author_totals (author_id, article_count)
select author_id, count(*) from articles.article group by author_id;
