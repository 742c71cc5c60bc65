-- favoritesCount kept on the article, in step with articles.favorite (same statement), so a list
-- reads one column per row instead of counting the article's favorites (up to hundreds) each time.
alter table articles.article add column favorites_count bigint not null default 0 check (favorites_count >= 0);

update articles.article a set favorites_count = f.n
from (select article_id, count(*) as n from articles.favorite group by article_id) f
where f.article_id = a.id;
