package io.conduit.articles;

import io.conduit.platform.UserId;
import io.conduit.platform.database.UtcInstants;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jspecify.annotations.Nullable;

/**
 * SQL for articles, tags and favorites. A list is one statement whatever its length: tags and the
 * viewer's favorite come from correlated subqueries, not a query per row; the favorites count is a
 * column kept in step by the statements that add and remove favorites.
 */
final class ArticleRepository {
    private static final String COLUMNS = """
            select a.id, a.slug, a.title, a.description, %s as body, a.author_id, a.created_at, a.updated_at,
                   array(select t.tag from articles.article_tag t where t.article_id = a.id order by t.tag) as tags,
                   a.favorites_count,
                   exists(select 1 from articles.favorite f where f.article_id = a.id and f.user_id = :viewer) as favorited
            """;
    private static final String BY_SLUG = COLUMNS.formatted("a.body") + " from articles.article a where a.slug = :slug";
    private static final String REF_BY_SLUG = "select id, author_id from articles.article where slug = :slug";
    private static final String TAKEN_SLUGS = "select slug from articles.article where slug = any(:candidates)";
    private static final String TOTAL = "select article_count from articles.totals";
    private static final String TAG_TOTAL = """
            select coalesce((select article_count from articles.tag where name = :tag), 0)
            """;
    private static final String INSERT = """
            insert into articles.article (slug, title, description, body, author_id, created_at, updated_at)
            values (:slug, :title, :description, :body, :author, :now, :now)
            returning id
            """;
    private static final String UPDATE = """
            update articles.article
            set slug = :slug, title = :title, description = :description, body = :body, updated_at = :updatedAt
            where id = :id
            """;
    private static final String DELETE = "delete from articles.article where id = :id";
    private static final String ADD_TAGS = """
            insert into articles.article_tag (article_id, tag, created_at)
            select :id, tag, :createdAt from unnest(:tags) as tag
            """;
    private static final String REMOVE_TAGS =
            "delete from articles.article_tag where article_id = :id and tag = any(:tags)";
    private static final String COUNT_TAGS_UP = """
            insert into articles.tag (name, article_count) select tag, 1 from unnest(:tags) as tag order by tag
            on conflict (name) do update set article_count = articles.tag.article_count + 1
            """;
    // Locks the tag rows in name order, as COUNT_TAGS_UP does: a plain "where name = any(...)" locks
    // them in scan order, and a create and a delete sharing two tags deadlocked.
    private static final String COUNT_TAGS_DOWN = """
            update articles.tag t set article_count = t.article_count - 1
            from (select name from articles.tag where name = any(:tags) order by name for update) locked
            where t.name = locked.name
            """;
    private static final String COUNT_TOTAL = "update articles.totals set article_count = article_count + :delta";
    private static final String COUNT_AUTHOR_UP = """
            insert into articles.author_totals (author_id, article_count) values (:author, 1)
            on conflict (author_id) do update set article_count = articles.author_totals.article_count + 1
            """;
    private static final String COUNT_AUTHOR_DOWN =
            "update articles.author_totals set article_count = article_count - 1 where author_id = :author";
    private static final String AUTHORS_TOTAL = """
            select coalesce(sum(article_count), 0) from articles.author_totals where author_id = any(:authors)
            """;
    private static final String TAGS_IN_USE = "select name from articles.tag where article_count > 0 order by name";
    private static final String FAVORITE = """
            with added as (
              insert into articles.favorite (article_id, user_id, created_at) values (:id, :user, :now)
              on conflict do nothing
              returning article_id)
            update articles.article set favorites_count = favorites_count + 1
            where id in (select article_id from added)
            """;
    private static final String FAVORITED_BY = "select article_id from articles.favorite where user_id = :user";
    private static final String UNFAVORITE = """
            with removed as (
              delete from articles.favorite where article_id = :id and user_id = :user
              returning article_id)
            update articles.article set favorites_count = favorites_count - 1
            where id in (select article_id from removed)
            """;

    Optional<ArticleRow> findBySlug(Handle h, String slug, Optional<UserId> viewer) {
        return h.createQuery(BY_SLUG)
                .bind("slug", slug)
                .bind("viewer", viewerId(viewer))
                .map(ArticleRepository::row)
                .findOne();
    }

    Optional<ArticleRef> findRef(Handle h, String slug) {
        return h.createQuery(REF_BY_SLUG)
                .bind("slug", slug)
                .map((rs, ctx) -> new ArticleRef(new ArticleId(rs.getLong("id")), new UserId(rs.getLong("author_id"))))
                .findOne();
    }

    /** One page of a list, newest first (ties: the later-created first). */
    List<ArticleRow> list(Handle h, ArticleFilter filter, PageRequest page, Optional<UserId> viewer) {
        var selection = Selection.of(filter);
        Query query = h.createQuery(COLUMNS.formatted("null::text") + selection.from() + selection.where()
                        + selection.newestFirst() + " limit :limit offset :offset")
                .bind("viewer", viewerId(viewer))
                .bind("limit", page.limit())
                .bind("offset", page.offset());
        return selection.bind(query).map(ArticleRepository::row).list();
    }

    /** How many articles the filter matches: a kept counter when there is one, else a count. */
    long count(Handle h, ArticleFilter filter) {
        if (filter.isEverything()) {
            return h.createQuery(TOTAL).mapTo(Long.class).one();
        }
        if (filter.isTagOnly()) {
            return h.createQuery(TAG_TOTAL)
                    .bind("tag", filter.tag())
                    .mapTo(Long.class)
                    .one();
        }
        if (filter.isAuthorsOnly()) {
            return h.createQuery(AUTHORS_TOTAL)
                    .bindArray("authors", Long.class, ids(filter.authors()))
                    .mapTo(Long.class)
                    .one();
        }
        var selection = Selection.of(filter);
        Query query = h.createQuery("select count(*)" + selection.from() + selection.where());
        return selection.bind(query).mapTo(Long.class).one();
    }

    private static List<Long> ids(Set<UserId> users) {
        return users.stream().map(UserId::value).toList();
    }

    /**
     * The articles a filter selects: the tables, the conditions and the order of the list. Each
     * field of the filter is looked at once, and a condition is added together with the binding of
     * its parameter, so the SQL and the bindings cannot disagree.
     */
    private static final class Selection {
        private final String from;
        private final String newestFirst;
        private final List<String> conditions = new ArrayList<>();
        private final List<Consumer<Query>> bindings = new ArrayList<>();

        private Selection(String from, String newestFirst) {
            this.from = from;
            this.newestFirst = newestFirst;
        }

        static Selection of(ArticleFilter filter) {
            String tag = filter.tag();
            var selection = tag == null
                    ? new Selection(" from articles.article a", " order by a.created_at desc, a.id desc")
                    : new Selection(
                                    " from articles.article_tag t join articles.article a on a.id = t.article_id",
                                    " order by t.created_at desc, t.article_id desc")
                            .where(tag, "t.tag = :tag", (q, value) -> q.bind("tag", value));
            return selection
                    .where(filter.author(), "a.author_id = :author", (q, user) -> q.bind("author", user.value()))
                    .where(
                            filter.favoritedBy(),
                            "a.id in (select fv.article_id from articles.favorite fv where fv.user_id = :favoritedBy)",
                            (q, user) -> q.bind("favoritedBy", user.value()))
                    .where(
                            filter.authors(),
                            "a.author_id = any(:authors)",
                            (q, users) -> q.bindArray("authors", Long.class, ids(users)));
        }

        /** Adds {@code condition}, and {@code binding} of its parameter, when {@code value} is set. */
        private <T> Selection where(@Nullable T value, String condition, BiConsumer<Query, T> binding) {
            if (value != null) {
                conditions.add(condition);
                bindings.add(query -> binding.accept(query, value));
            }
            return this;
        }

        String from() {
            return from;
        }

        String where() {
            return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
        }

        String newestFirst() {
            return newestFirst;
        }

        Query bind(Query query) {
            bindings.forEach(binding -> binding.accept(query));
            return query;
        }
    }

    /** The first of {@code candidates} no article uses yet, if any. */
    Optional<String> firstFreeSlug(Handle h, List<String> candidates) {
        Set<String> taken = Set.copyOf(h.createQuery(TAKEN_SLUGS)
                .bindArray("candidates", String.class, candidates)
                .mapTo(String.class)
                .list());
        return candidates.stream().filter(c -> !taken.contains(c)).findFirst();
    }

    ArticleId insert(Handle h, String slug, NewArticle article, UserId author, Instant now) {
        long id = h.createQuery(INSERT)
                .bind("slug", slug)
                .bind("title", article.title())
                .bind("description", article.description())
                .bind("body", article.body())
                .bind("author", author.value())
                .bind("now", now)
                .mapTo(Long.class)
                .one();
        addTags(h, new ArticleId(id), article.tags(), now);
        h.createUpdate(COUNT_TOTAL).bind("delta", 1).execute();
        h.createUpdate(COUNT_AUTHOR_UP).bind("author", author.value()).execute();
        return new ArticleId(id);
    }

    void update(Handle h, ArticleId id, String slug, String title, String description, String body, Instant updatedAt) {
        h.createUpdate(UPDATE)
                .bind("id", id.value())
                .bind("slug", slug)
                .bind("title", title)
                .bind("description", description)
                .bind("body", body)
                .bind("updatedAt", updatedAt)
                .execute();
    }

    void addTags(Handle h, ArticleId id, List<String> tags, Instant createdAt) {
        if (tags.isEmpty()) {
            return;
        }
        String[] sorted = tags.stream().sorted().toArray(String[]::new);
        h.createUpdate(ADD_TAGS)
                .bind("id", id.value())
                .bindArray("tags", String.class, (Object[]) sorted)
                .bind("createdAt", createdAt)
                .execute();
        h.createUpdate(COUNT_TAGS_UP)
                .bindArray("tags", String.class, (Object[]) sorted)
                .execute();
    }

    void removeTags(Handle h, ArticleId id, List<String> tags) {
        if (tags.isEmpty()) {
            return;
        }
        String[] sorted = tags.stream().sorted().toArray(String[]::new);
        h.createUpdate(REMOVE_TAGS)
                .bind("id", id.value())
                .bindArray("tags", String.class, (Object[]) sorted)
                .execute();
        h.createUpdate(COUNT_TAGS_DOWN)
                .bindArray("tags", String.class, (Object[]) sorted)
                .execute();
    }

    void delete(Handle h, ArticleId id, UserId author, List<String> tags) {
        String[] sorted = tags.stream().sorted().toArray(String[]::new);
        if (sorted.length > 0) {
            h.createUpdate(COUNT_TAGS_DOWN)
                    .bindArray("tags", String.class, (Object[]) sorted)
                    .execute();
        }
        h.createUpdate(DELETE).bind("id", id.value()).execute();
        h.createUpdate(COUNT_TOTAL).bind("delta", -1).execute();
        h.createUpdate(COUNT_AUTHOR_DOWN).bind("author", author.value()).execute();
    }

    List<String> tagsInUse(Handle h) {
        return h.createQuery(TAGS_IN_USE).mapTo(String.class).list();
    }

    void favorite(Handle h, ArticleId id, UserId user, Instant now) {
        h.createUpdate(FAVORITE)
                .bind("id", id.value())
                .bind("user", user.value())
                .bind("now", now)
                .execute();
    }

    void unfavorite(Handle h, ArticleId id, UserId user) {
        h.createUpdate(UNFAVORITE)
                .bind("id", id.value())
                .bind("user", user.value())
                .execute();
    }

    /** How many have favorited each of {@code articles} (0 for one that is gone). */
    java.util.Map<ArticleId, Long> favoritesCounts(Handle h, List<ArticleId> articles) {
        var counts = new java.util.HashMap<ArticleId, Long>();
        articles.forEach(id -> counts.put(id, 0L));
        h.createQuery("select id, favorites_count from articles.article where id = any(:ids)")
                .bindArray(
                        "ids",
                        Long.class,
                        articles.stream().map(ArticleId::value).toList())
                .map((rs, ctx) -> Map.entry(new ArticleId(rs.getLong(1)), rs.getLong(2)))
                .forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    /** The ids of the articles {@code user} has favorited. */
    List<ArticleId> favoritedBy(Handle h, UserId user) {
        return h.createQuery(FAVORITED_BY)
                .bind("user", user.value())
                .map((rs, ctx) -> new ArticleId(rs.getLong(1)))
                .list();
    }

    private static long viewerId(Optional<UserId> viewer) {
        return viewer.map(UserId::value).orElse(0L);
    }

    private static ArticleRow row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ArticleRow(
                new ArticleId(rs.getLong("id")),
                rs.getString("slug"),
                rs.getString("title"),
                rs.getString("description"),
                rs.getString("body"),
                new UserId(rs.getLong("author_id")),
                UtcInstants.column(rs, "created_at"),
                UtcInstants.column(rs, "updated_at"),
                strings(rs.getArray("tags")),
                rs.getLong("favorites_count"),
                rs.getBoolean("favorited"));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
