-- EXPLAIN (ANALYZE, BUFFERS) of the statements behind the benchmarked endpoints, on the seeded
-- data set; run by scripts/bench/run.sh at the end (BENCH_EXPLAIN=1) into explain.txt.
-- The SQL mirrors the application's repositories (ArticleRepository, CommentRepository,
-- FollowRepository, UserRepository) as they were when this file was written: when those change,
-- compare with pg_stat_statements (pgss-<endpoint>.txt in the results), which shows what the
-- application really sent. Each statement runs twice; the second (warm cache) plan is the one to
-- read. Parameters: the most and a rarely used tag, user_0001 as viewer, a popular article.
\pset pager off
\set QUIET on
select name as top_tag from articles.tag order by article_count desc, name limit 1 \gset
select name as rare_tag from articles.tag order by article_count asc, name limit 1 \gset
select id as viewer from identity.user_account where username ~ '^user_0*1$' \gset
select coalesce(array_agg(followee_id)::text, '{}') as followees from profiles.follow where follower_id = :viewer \gset
select a.id as hot_article, a.slug as hot_slug from articles.article a
  join (select article_id, count(*) as n from comments.comment group by article_id order by n desc limit 1) c
  on c.article_id = a.id \gset
\set QUIET off
\echo top tag :top_tag, rare tag :rare_tag, viewer :viewer, followees :followees, article :hot_article (:hot_slug)

\echo
\echo ==== list articles, anonymous (GET /api/articles?limit=20): page, then total
explain (analyze, buffers) select a.id, a.slug, a.title, a.description, null::text as body, a.author_id, a.created_at, a.updated_at,
       array(select t.tag from articles.article_tag t where t.article_id = a.id order by t.tag) as tags,
       a.favorites_count,
       exists(select 1 from articles.favorite f where f.article_id = a.id and f.user_id = 0) as favorited
from articles.article a order by a.created_at desc, a.id desc limit 20 offset 0;
explain (analyze, buffers) select a.id, a.slug, a.title, a.description, null::text as body, a.author_id, a.created_at, a.updated_at,
       array(select t.tag from articles.article_tag t where t.article_id = a.id order by t.tag) as tags,
       a.favorites_count,
       exists(select 1 from articles.favorite f where f.article_id = a.id and f.user_id = 0) as favorited
from articles.article a order by a.created_at desc, a.id desc limit 20 offset 0;
explain (analyze, buffers) select article_count from articles.totals;

\echo
\echo ==== list articles, deep page (offset 10000)
explain (analyze, buffers) select a.id, a.slug, a.title, a.description, null::text as body, a.author_id, a.created_at, a.updated_at,
       array(select t.tag from articles.article_tag t where t.article_id = a.id order by t.tag) as tags,
       a.favorites_count,
       exists(select 1 from articles.favorite f where f.article_id = a.id and f.user_id = 0) as favorited
from articles.article a order by a.created_at desc, a.id desc limit 20 offset 10000;

\echo
\echo ==== list by tag (GET /api/articles?tag=...&limit=20), most used tag, then a rare tag, then the total
explain (analyze, buffers) select a.id, a.slug, a.title, a.description, null::text as body, a.author_id, a.created_at, a.updated_at,
       array(select t.tag from articles.article_tag t where t.article_id = a.id order by t.tag) as tags,
       a.favorites_count,
       exists(select 1 from articles.favorite f where f.article_id = a.id and f.user_id = 0) as favorited
from articles.article_tag t join articles.article a on a.id = t.article_id where t.tag = :'top_tag'
order by t.created_at desc, t.article_id desc limit 20 offset 0;
explain (analyze, buffers) select a.id, a.slug, a.title, a.description, null::text as body, a.author_id, a.created_at, a.updated_at,
       array(select t.tag from articles.article_tag t where t.article_id = a.id order by t.tag) as tags,
       a.favorites_count,
       exists(select 1 from articles.favorite f where f.article_id = a.id and f.user_id = 0) as favorited
from articles.article_tag t join articles.article a on a.id = t.article_id where t.tag = :'rare_tag'
order by t.created_at desc, t.article_id desc limit 20 offset 0;
explain (analyze, buffers) select coalesce((select article_count from articles.tag where name = :'top_tag'), 0);

\echo
\echo ==== feed of user_0001 (GET /api/articles/feed?limit=20): followees, page, total
explain (analyze, buffers) select followee_id from profiles.follow where follower_id = :viewer;
explain (analyze, buffers) select a.id, a.slug, a.title, a.description, null::text as body, a.author_id, a.created_at, a.updated_at,
       array(select t.tag from articles.article_tag t where t.article_id = a.id order by t.tag) as tags,
       a.favorites_count,
       exists(select 1 from articles.favorite f where f.article_id = a.id and f.user_id = :viewer) as favorited
from articles.article a where a.author_id = any(:'followees'::bigint[])
order by a.created_at desc, a.id desc limit 20 offset 0;
explain (analyze, buffers) select coalesce(sum(article_count), 0) from articles.author_totals
where author_id = any(:'followees'::bigint[]);
\echo (before articles.author_totals: a count over the authors' articles)
explain (analyze, buffers) select count(*) from articles.article a where a.author_id = any(:'followees'::bigint[]);

\echo
\echo ==== list by author and by favorited (not benchmarked; index check)
explain (analyze, buffers) select a.id from articles.article a where a.author_id = :viewer
order by a.created_at desc, a.id desc limit 20;
explain (analyze, buffers) select a.id from articles.article a
where a.id in (select fv.article_id from articles.favorite fv where fv.user_id = :viewer)
order by a.created_at desc, a.id desc limit 20;
explain (analyze, buffers) select count(*) from articles.article a
where a.id in (select fv.article_id from articles.favorite fv where fv.user_id = :viewer);

\echo
\echo ==== single article (GET /api/articles/:slug)
explain (analyze, buffers) select a.id, a.slug, a.title, a.description, a.body as body, a.author_id, a.created_at, a.updated_at,
       array(select t.tag from articles.article_tag t where t.article_id = a.id order by t.tag) as tags,
       a.favorites_count,
       exists(select 1 from articles.favorite f where f.article_id = a.id and f.user_id = 0) as favorited
from articles.article a where a.slug = :'hot_slug';

\echo
\echo ==== comments of the most commented article (GET /api/articles/:slug/comments)
explain (analyze, buffers) select id, author_id from articles.article where slug = :'hot_slug';
explain (analyze, buffers) select id, article_id, author_id, body, created_at, updated_at from comments.comment
where article_id = :hot_article order by created_at desc, id desc;

\echo
\echo ==== authors of a page (identity batch) and tags (GET /api/tags)
explain (analyze, buffers) select id, username, email, password_hash, bio, image, created_at, updated_at
from identity.user_account where id = any(:'followees'::bigint[]);
explain (analyze, buffers) select followee_id from profiles.follow where follower_id = :viewer and followee_id = any(:'followees'::bigint[]);
explain (analyze, buffers) select name from articles.tag where article_count > 0 order by name;

\echo
\echo ==== login (POST /api/users/login)
explain (analyze, buffers) select id, username, email, password_hash, bio, image, created_at, updated_at
from identity.user_account where lower(email) = lower('user_0500@bench.test');
