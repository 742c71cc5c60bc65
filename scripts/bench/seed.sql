-- Benchmark data set of Conduit, set-based (no row-by-row work). Run by scripts/bench/run.sh as:
--   psql -v users=1000 -v articles=20000 -v favorites=100000 -v comments=60000 \
--        -v hash='<argon2id hash>' -v first_user=user_0001 -f seed.sql
-- after the application has created the schemas (Flyway) and registered :first_user through the
-- API; every other user gets the same password hash, so every seeded user can log in with the
-- same password. Deterministic: setseed() and no parallel workers, so the same variables give
-- the same rows (ids, texts, tags, follows, favorites, comments; timestamps are fixed too).
--
-- Shape of the data:
--   users      user_0001 .. user_NNNN, email user_NNNN@bench.test, half of them with a bio
--   articles   authors skewed (a few prolific authors, a long tail); title 4-10 words, description
--              one sentence, body 4-10 paragraphs (2-7 KB of Markdown); unique slug; created_at
--              spread over the year 2025 with a distinct millisecond each, in id order
--   tags       203 tag names, 1-5 per article, Zipf popularity (weight 1/rank)
--   follows    every user follows 20-50 others, popular (prolific) authors are followed more
--   favorites  about :favorites, popular articles favorited more
--   comments   :comments, popular articles commented more, 1-4 sentences each
--   counters   articles.tag, articles.totals and articles.author_totals article_count and
--              articles.article.favorites_count exact
\set ON_ERROR_STOP on
\timing off
-- synchronous_commit stays on: with asynchronous commit the VACUUM below could not set the
-- visibility map (hint bits wait for the commit to be flushed), and one commit costs nothing.
set max_parallel_workers_per_gather = 0; -- one process, so setseed() makes random() repeatable
set client_min_messages = warning;
select setseed(0.4242);

begin;

create function pg_temp.sentence_case(text) returns text language sql immutable
as $$ select upper(left($1, 1)) || substr($1, 2) $$;

-- Words for titles, descriptions, bodies and comments.
create temp table word as
select row_number() over () as i, w from unnest(string_to_array(
  'the a of to and in for on with without how why when what your our my this that new old fast slow simple '
  'hard better best worst guide notes lessons story deep dive into from scratch building scaling testing '
  'debugging shipping writing reading learning teaching designing measuring tuning caching indexing '
  'modern legacy tiny huge async reactive functional typed untyped distributed local remote secure open '
  'small large quick careful honest practical real world production ready minimal complete modular clean '
  'service server client browser database query index table schema migration release deploy pipeline '
  'cluster node request response latency throughput memory thread process queue event stream cache '
  'session token login user profile article comment tag feed follow favorite page list search error '
  'bug fix test benchmark profile trace metric log alert incident review design pattern interface module '
  'team project product week month year day night morning coffee keyboard editor terminal laptop cloud '
  'is was are were will can should could might must never always sometimes often rarely almost really '
  'about after before during under over between through across against beyond within around',
  ' ')) as w;

create temp table word_count as select count(*)::int as n from word;

-- Paragraphs of 40-120 words, reused by the bodies (bodies are 4-10 of them).
create temp table para as
select p.i, pg_temp.sentence_case(string_agg(w.w, ' ' order by g.g)) || '.' as txt
from generate_series(1, 97) as p(i)
cross join lateral generate_series(1, 40 + (p.i * 37) % 81) as g(g)
join word w on w.i = 1 + (hashtext(p.i || ':p:' || g.g)::bigint + 2147483648) % (select n from word_count)
group by p.i;

create temp table sentence as
select s.i, pg_temp.sentence_case(string_agg(w.w, ' ' order by g.g)) || '.' as txt
from generate_series(1, 211) as s(i)
cross join lateral generate_series(1, 6 + (s.i * 13) % 19) as g(g)
join word w on w.i = 1 + (hashtext(s.i || ':s:' || g.g)::bigint + 2147483648) % (select n from word_count)
group by s.i;

-- Users. :first_user came through the API (id and hash from the application); the rest are
-- inserted with its hash. bench_user maps the number n (1 = user_0001) to the id.
insert into identity.user_account (username, email, password_hash, bio, image, created_at, updated_at)
select u.name, u.name || '@bench.test', :'hash',
       case when n % 2 = 0 then 'I write about ' || (select w from word where i = 1 + n % (select n from word_count)) || ' and other things.' end,
       null, ts, ts
from generate_series(2, :users) as n
cross join lateral (select 'user_' || lpad(n::text, greatest(4, length((:users)::text)), '0') as name,
                           timestamptz '2024-06-01 00:00:00+00' + (n * interval '1 minute') as ts) as u;

create temp table bench_user as
select (substring(username from 6))::int as n, id
from identity.user_account where username ~ '^user_[0-9]+$';
create unique index on bench_user (n);
analyze bench_user;

-- Popularity ranks: a random permutation of the users; rank 0 is the most prolific author and
-- the most followed one.
create temp table user_rank as
select row_number() over (order by random()) - 1 as rank, id from bench_user;
create unique index on user_rank (rank);
analyze user_rank;

-- Articles. Author rank = floor(users * r^2): the top 1 % of authors write ~10 % of the articles.
create temp table seed_article as
select d.n, r.id as author_id, d.title_words, d.paragraphs, d.tag_slots, d.created_at, d.updated_roll
from (
  select n,
         floor(:users * power(random(), 2))::int as author_rank,
         4 + floor(random() * 7)::int as title_words,
         4 + floor(random() * 7)::int as paragraphs,
         1 + floor(random() * 5)::int as tag_slots,
         -- 2025 split into :articles equal steps; a random millisecond inside each step, so the
         -- timestamps are distinct and grow with n (and with the id).
         timestamptz '2025-01-01 00:00:00+00'
           + ((n - 1) * floor(31536000000.0 / :articles) + floor(random() * floor(31536000000.0 / :articles))) * interval '1 millisecond'
           as created_at,
         random() as updated_roll
  from generate_series(1, :articles) as n
) as d
join user_rank r on r.rank = d.author_rank;

create temp table seed_article_text as
select s.n, t.title,
       lower(regexp_replace(t.title, '[^A-Za-z0-9]+', '-', 'g')) || '-' || s.n as slug
from seed_article s
cross join lateral (
  select initcap(string_agg(w.w, ' ' order by g.g)) as title
  from generate_series(1, s.title_words) as g(g)
  join word w on w.i = 1 + (hashtext(s.n || ':title:' || g.g)::bigint + 2147483648) % (select n from word_count)
) as t;

insert into articles.article (slug, title, description, body, author_id, created_at, updated_at)
select t.slug, t.title,
       (select txt from sentence where i = 1 + (hashtext(s.n || ':d1')::bigint + 2147483648) % 211) || ' '
         || (select txt from sentence where i = 1 + (hashtext(s.n || ':d2')::bigint + 2147483648) % 211),
       '## ' || t.title || E'\n\n' || (
         select string_agg(p.txt, E'\n\n' order by g.g)
         from generate_series(1, s.paragraphs) as g(g)
         join para p on p.i = 1 + (hashtext(s.n || ':para:' || g.g)::bigint + 2147483648) % 97),
       s.author_id, s.created_at,
       -- one article in five was edited later
       case when s.updated_roll < 0.2 then s.created_at + interval '3 days' else s.created_at end
from seed_article s join seed_article_text t using (n)
order by s.n;

create temp table bench_article as
select t.n, a.id, a.created_at
from seed_article_text t join articles.article a on a.slug = t.slug;
create unique index on bench_article (n);

-- Article popularity: another permutation; rank 0 is the most favorited and commented.
create temp table article_rank as
select row_number() over (order by random()) - 1 as rank, id, created_at from bench_article;
create unique index on article_rank (rank);
analyze bench_article;
analyze article_rank;

-- Tags: 203 names, Zipf weights 1/rank, picked by inverse CDF; duplicates within an article
-- collapse, so an article has 1-5 distinct tags.
create temp table tag_pool as
select rank, name, 1.0 / rank as weight from unnest(string_to_array(
  'java postgresql redis docker kubernetes aws linux javascript typescript react vue angular svelte node deno rust go python django flask '
  'rails ruby php laravel kotlin scala clojure haskell elixir erlang swift ios android flutter dart csharp dotnet azure gcp terraform ansible '
  'devops ci testing tdd security privacy performance caching databases sql nosql mongodb cassandra kafka rabbitmq grpc graphql rest api http '
  'networking dns tls css html webdev frontend backend fullstack architecture microservices monolith ddd design patterns refactoring clean-code '
  'career interviews productivity remote leadership management agile scrum startup opensource git github gitlab vim emacs vscode tooling '
  'observability logging metrics tracing prometheus grafana sre incident oncall reliability scalability concurrency async threads jvm gc '
  'virtual-threads spring quarkus micronaut javalin jdbi hibernate jpa flyway liquibase migrations indexing postgres-tuning explain '
  'machine-learning ai llm data-science pandas numpy statistics analytics etl spark hadoop bigdata streaming serverless lambda edge cdn '
  'webassembly wasm compilers algorithms data-structures math functional-programming oop type-systems generics memory embedded iot '
  'hardware raspberry-pi arduino gamedev unity unreal graphics opengl vulkan audio video blockchain crypto fintech payments ecommerce '
  'saas b2b marketing seo writing blogging documentation accessibility a11y i18n ux ui product startups hiring mentoring education '
  'beginners tutorial howto showdev discuss news opinion review books podcasts conferences meetups community health burnout',
  ' ')) with ordinality as t(name, rank);

create temp table tag_cdf as
select name, rank,
       coalesce(sum(weight) over (order by rank rows between unbounded preceding and 1 preceding), 0) / total as lo,
       sum(weight) over (order by rank) / total as hi
from tag_pool, (select sum(weight) as total from tag_pool) as t;

create temp table tag_draw as
select b.id as article_id, b.created_at, random() as u
from seed_article s
join bench_article b using (n)
cross join lateral generate_series(1, s.tag_slots) as g(g);

insert into articles.article_tag (article_id, tag, created_at)
select distinct d.article_id, c.name, d.created_at
from tag_draw d join tag_cdf c on d.u >= c.lo and d.u < c.hi;

-- Follows: 20-50 per user (fewer when there are not that many others); followees drawn with
-- the same skew as authors, three candidates per wanted follow, duplicates and self dropped.
create temp table follow_want as
select id as follower_id, least(20 + floor(random() * 31)::int, :users - 1) as k from bench_user;

create temp table follow_draw as
select w.follower_id, w.k, g.g as seq, floor(:users * power(random(), 2))::int as rank
from follow_want w cross join lateral generate_series(1, w.k * 3) as g(g);

insert into profiles.follow (follower_id, followee_id, created_at)
select follower_id, followee_id, timestamptz '2025-01-01 00:00:00+00' + seq * interval '1 hour'
from (
  select d.follower_id, r.id as followee_id, min(d.seq) as seq, max(d.k) as k,
         row_number() over (partition by d.follower_id order by min(d.seq)) as nth
  from follow_draw d join user_rank r on r.rank = d.rank
  where r.id <> d.follower_id
  group by d.follower_id, r.id
) as x
where nth <= k;

-- Favorites: article rank = floor(articles * r^2), user uniform; 30 % extra draws, then the
-- first :favorites distinct pairs. Favorited after the article was written, before 2026.
create temp table favorite_draw as
select g as seq,
       floor(:articles * power(random(), 2))::int as rank,
       1 + floor(random() * :users)::int as user_n,
       random() as at
from generate_series(1, ceil(:favorites * 1.3)::int) as g;

insert into articles.favorite (article_id, user_id, created_at)
select article_id, user_id, created_at from (
  select r.id as article_id, u.id as user_id,
         min(date_trunc('milliseconds', r.created_at + d.at * (timestamptz '2026-01-01 00:00:00+00' - r.created_at))) as created_at,
         min(d.seq) as seq
  from favorite_draw d
  join article_rank r on r.rank = d.rank
  join bench_user u on u.n = d.user_n
  group by r.id, u.id
  order by min(d.seq)
  limit :favorites
) as x;

-- Comments: same article skew, authors uniform, 1-4 sentences, within 30 days of the article
-- (and before 2026), distinct milliseconds not needed but likely.
insert into comments.comment (article_id, author_id, body, created_at, updated_at)
select r.id, u.id,
       (select string_agg(s.txt, ' ' order by g.g) from generate_series(1, 1 + c.g % 4) as g(g)
          join sentence s on s.i = 1 + (hashtext(c.g || ':c:' || g.g)::bigint + 2147483648) % 211),
       ts, ts
from (
  select g,
         floor(:articles * power(random(), 2))::int as rank,
         1 + floor(random() * :users)::int as user_n,
         random() as at
  from generate_series(1, :comments) as g
) as c
join article_rank r on r.rank = c.rank
join bench_user u on u.n = c.user_n
cross join lateral (
  select date_trunc('milliseconds', r.created_at + c.at * least(interval '30 days',
           timestamptz '2026-01-01 00:00:00+00' - r.created_at)) as ts
) as t
order by ts;

-- Counters, exactly as the application keeps them.
delete from articles.tag;
insert into articles.tag (name, article_count)
select tag, count(*) from articles.article_tag group by tag;
update articles.totals set article_count = (select count(*) from articles.article);
update articles.article a set favorites_count = f.n
from (select article_id, count(*) as n from articles.favorite group by article_id) f
where f.article_id = a.id;
delete from articles.author_totals;
insert into articles.author_totals (author_id, article_count)
select author_id, count(*) from articles.article group by author_id;

commit;

-- VACUUM too, not only ANALYZE: it sets the visibility map, as autovacuum would have done on a
-- long-lived database, so index-only scans do not fetch heap pages of freshly inserted rows.
vacuum (analyze) identity.user_account;
vacuum (analyze) profiles.follow;
-- FULL for the articles: setting favorites_count above rewrote every row, and a plain VACUUM would
-- leave the table twice its size (half-empty pages), which a long-lived database would not be.
vacuum (full, analyze) articles.article;
vacuum (analyze) articles.article_tag;
vacuum (analyze) articles.favorite;
vacuum (analyze) articles.tag;
vacuum (analyze) articles.totals;
vacuum (analyze) articles.author_totals;
vacuum (analyze) comments.comment;

select 'users' as "table", count(*) as rows from identity.user_account
union all select 'follows', count(*) from profiles.follow
union all select 'articles', count(*) from articles.article
union all select 'article tags', count(*) from articles.article_tag
union all select 'tags', count(*) from articles.tag
union all select 'favorites', count(*) from articles.favorite
union all select 'comments', count(*) from comments.comment;
