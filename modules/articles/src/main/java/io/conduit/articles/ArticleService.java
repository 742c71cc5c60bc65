package io.conduit.articles;

import io.conduit.identity.UserView;
import io.conduit.identity.Users;
import io.conduit.platform.Forbidden;
import io.conduit.platform.NotFound;
import io.conduit.platform.Timestamps;
import io.conduit.platform.UserId;
import io.conduit.platform.database.AfterCommit;
import io.conduit.platform.events.Events;
import io.conduit.platform.redis.KeyedCache;
import io.conduit.profiles.ProfileView;
import io.conduit.profiles.Profiles;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jspecify.annotations.Nullable;

/**
 * Articles, favorites, tags, lists and the feed. Authors come from the profiles facade in one batch
 * per page. Every create, edit and delete publishes its event on its own transaction: {@link
 * ArticleDeleted}, else {@link ArticleChanged}; a favorite touches the kept values it changes (the
 * user's favorites, the article's count), so cached pages outlive it, and publishes {@link
 * ArticleFavorited} (for the lists filtered by a favoriting user).
 */
final class ArticleService implements Articles {
    /** The prefix of this module's kept values (its Redis keys, touched after each change). */
    static final String KEPT = "articles:";

    /** The Redis key that stands for a user's favorites. */
    private static final String KEPT_FAVORITES = KEPT + "favorites:";

    /** The Redis key that stands for an article's favorites count. */
    private static final String KEPT_COUNT = KEPT + "count:";

    private static final int SLUG_CANDIDATES = 20;

    private final Jdbi jdbi;
    private final ArticleRepository repository;
    private final KeyedCache kept;
    private final Events events;
    private final Profiles profiles;
    private final Users users;
    private final Clock clock;

    ArticleService(
            Jdbi jdbi,
            ArticleRepository repository,
            KeyedCache kept,
            Events events,
            Profiles profiles,
            Users users,
            Clock clock) {
        this.jdbi = jdbi;
        this.repository = repository;
        this.kept = kept;
        this.events = events;
        this.profiles = profiles;
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Optional<ArticleRef> bySlug(String slug) {
        return jdbi.withHandle(h -> repository.findRef(h, slug));
    }

    /** The global list, narrowed by tag, author and favoriting user (given by username). */
    ArticlePage list(
            @Nullable String tag,
            @Nullable String author,
            @Nullable String favoritedBy,
            PageRequest page,
            Optional<UserId> viewer) {
        UserId authorId = null;
        UserId favoriterId = null;
        if (author != null) {
            Optional<UserView> user = users.byUsername(author);
            if (user.isEmpty()) {
                return empty();
            }
            authorId = user.get().id();
        }
        if (favoritedBy != null) {
            Optional<UserView> user = users.byUsername(favoritedBy);
            if (user.isEmpty()) {
                return empty();
            }
            favoriterId = user.get().id();
        }
        return page(new ArticleFilter(tag, authorId, favoriterId, null), page, viewer);
    }

    /** Articles by the authors the viewer follows. */
    ArticlePage feed(UserId viewer, PageRequest page) {
        return feedOf(followedBy(viewer), page, Optional.of(viewer));
    }

    /** Articles by {@code followed}, with {@code viewer}'s flags (none: as an anonymous reader sees them). */
    ArticlePage feedOf(Set<UserId> followed, PageRequest page, Optional<UserId> viewer) {
        if (followed.isEmpty()) {
            return empty();
        }
        return page(ArticleFilter.feed(followed), page, viewer);
    }

    Set<UserId> followedBy(UserId viewer) {
        return profiles.followedBy(viewer);
    }

    /** The articles {@code user} has favorited, kept in process until they favorite or unfavorite one. */
    Set<ArticleId> favoritesOf(UserId user) {
        return kept.get(
                KEPT_FAVORITES + user.value(), () -> Set.copyOf(jdbi.withHandle(h -> repository.favoritedBy(h, user))));
    }

    /**
     * How many have favorited each of {@code rows}' articles: kept in process until someone
     * (un)favorites one; those not kept are loaded in one query.
     */
    private Map<ArticleId, Long> favoritesCounts(List<ArticleRow> rows) {
        if (rows.isEmpty()) {
            return Map.of();
        }
        Map<String, ArticleId> byKey = rows.stream()
                .map(ArticleRow::id)
                .collect(Collectors.toMap(id -> KEPT_COUNT + id.value(), id -> id, (a, b) -> a));
        Map<String, Long> counts = kept.getAll(List.copyOf(byKey.keySet()), keys -> {
            Map<ArticleId, Long> loaded = jdbi.withHandle(h ->
                    repository.favoritesCounts(h, keys.stream().map(byKey::get).toList()));
            return keys.stream().collect(Collectors.toMap(key -> key, key -> loaded.get(byKey.get(key))));
        });
        return byKey.entrySet().stream().collect(Collectors.toMap(Map.Entry::getValue, e -> counts.get(e.getKey())));
    }

    /**
     * {@code page} as loaded for everyone, as {@code viewer} (if any) sees it now: each article's
     * favorites count as kept (a favorite moves only that count, not the cached pages holding the
     * article), {@code favorited} from the viewer's favorites, {@code following} from whom they
     * follow. The same page when nothing differs, so the caller can send the bytes already made.
     */
    ArticlePage present(ArticlePage page, Optional<UserId> viewer) {
        Set<ArticleId> favorites = viewer.map(this::favoritesOf).orElse(Set.of());
        Set<UserId> followed = viewer.map(this::followedBy).orElse(Set.of());
        boolean flagged = page.rows().stream().anyMatch(row -> favorites.contains(row.id()))
                || page.authors().keySet().stream().anyMatch(followed::contains);
        Map<ArticleId, Long> counts = favoritesCounts(page.rows());
        boolean recounted = page.rows().stream().anyMatch(row -> counts.get(row.id()) != row.favoritesCount());
        if (!flagged && !recounted) {
            return page;
        }
        var rows = page.rows().stream()
                .map(row -> row.favoritedBy(favorites.contains(row.id())).countedAs(counts.get(row.id())))
                .toList();
        if (!flagged) {
            return new ArticlePage(rows, page.authors(), page.total());
        }
        var authors = page.authors().values().stream()
                .map(author -> new ProfileView(
                        author.id(), author.username(), author.bio(), author.image(), followed.contains(author.id())))
                .collect(Collectors.toUnmodifiableMap(ProfileView::id, author -> author));
        return new ArticlePage(rows, authors, page.total());
    }

    private ArticlePage page(ArticleFilter filter, PageRequest page, Optional<UserId> viewer) {
        record Result(List<ArticleRow> rows, long total) {}
        Result result =
                jdbi.withHandle(h -> new Result(repository.list(h, filter, page, viewer), repository.count(h, filter)));
        return new ArticlePage(result.rows(), authorsOf(result.rows(), viewer), result.total());
    }

    ArticlePage get(String slug, Optional<UserId> viewer) {
        ArticleRow row =
                jdbi.withHandle(h -> repository.findBySlug(h, slug, viewer)).orElseThrow(() -> new NotFound("article"));
        return single(row, viewer);
    }

    ArticlePage create(UserId author, NewArticle article) {
        Instant now = Timestamps.apiPrecision(clock.instant());
        ArticleRow row = retryOnSlugClash(() -> jdbi.inTransaction(h -> {
            String slug = freeSlug(h, Slug.base(article.title()), null);
            repository.insert(h, slug, article, author, now);
            return changed(
                    h, repository.findBySlug(h, slug, Optional.of(author)).orElseThrow(), slug, List.of());
        }));
        return single(row, Optional.of(author));
    }

    /** A partial update by the author; a new title brings a new slug, a new body keeps it. */
    ArticlePage update(UserId caller, String slug, ArticleChanges changes) {
        ArticleRow row = retryOnSlugClash(() -> jdbi.inTransaction(h -> {
            ArticleRow current = owned(h, slug, caller);
            String title = changes.title() == null ? current.title() : changes.title();
            String newSlug = current.slug();
            String base = Slug.base(title);
            if (!Slug.belongsTo(current.slug(), base)) {
                newSlug = freeSlug(h, base, current.slug());
            }
            Instant now = Timestamps.apiPrecision(clock.instant());
            Instant updatedAt =
                    now.isAfter(current.updatedAt()) ? now : current.updatedAt().plusMillis(1);
            repository.update(
                    h,
                    current.id(),
                    newSlug,
                    title,
                    changes.description() == null ? current.description() : changes.description(),
                    changes.body() == null ? current.body() : changes.body(),
                    updatedAt);
            if (changes.tags() != null) {
                replaceTags(h, current, changes.tags());
            }
            return changed(
                    h,
                    repository.findBySlug(h, newSlug, Optional.of(caller)).orElseThrow(),
                    current.slug(),
                    current.tags());
        }));
        return single(row, Optional.of(caller));
    }

    void delete(UserId caller, String slug) {
        jdbi.useTransaction(h -> {
            ArticleRow article = owned(h, slug, caller);
            repository.delete(h, article.id(), article.authorId(), article.tags());
            events.publish(
                    h,
                    new ArticleDeleted(
                            article.id(), clock.instant(), article.slug(), article.authorId(), article.tags()));
        });
    }

    ArticlePage favorite(UserId caller, String slug, boolean favorite) {
        ArticleRow row = jdbi.inTransaction(h -> {
            ArticleRef ref = repository.findRef(h, slug).orElseThrow(() -> new NotFound("article"));
            if (favorite) {
                repository.favorite(h, ref.id(), caller, clock.instant());
            } else {
                repository.unfavorite(h, ref.id(), caller);
            }
            // Only the caller's favorites and the article's count changed: cached pages stay, these
            // two kept values are dropped everywhere (present() puts the count on).
            AfterCommit.run(
                    h,
                    () -> kept.touch(
                            KEPT_FAVORITES + caller.value(),
                            KEPT_COUNT + ref.id().value()));
            events.publish(h, new ArticleFavorited(ref.id(), caller, favorite, clock.instant()));
            return repository.findBySlug(h, slug, Optional.of(caller)).orElseThrow();
        });
        return single(row, Optional.of(caller));
    }

    List<String> tags() {
        return jdbi.withHandle(repository::tagsInUse);
    }

    /**
     * Two requests can pick the same free slug at once; the unique index refuses the second, which
     * then tries again and sees the first one's slug as taken.
     */
    private static <T> T retryOnSlugClash(java.util.function.Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (UnableToExecuteStatementException e) {
                boolean clash = e.getCause() instanceof SQLException sql
                        && "23505".equals(sql.getSQLState())
                        && String.valueOf(sql.getMessage()).contains("article_slug_key");
                if (!clash || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Publishes {@link ArticleChanged} for {@code row} (reachable before by {@code formerSlug}), as
     * the last step of its transaction.
     */
    private ArticleRow changed(Handle h, ArticleRow row, String formerSlug, List<String> formerTags) {
        List<String> slugs = formerSlug.equals(row.slug()) ? List.of(row.slug()) : List.of(formerSlug, row.slug());
        var tags = new java.util.TreeSet<>(formerTags);
        tags.addAll(row.tags());
        events.publish(h, new ArticleChanged(row.id(), row.authorId(), slugs, List.copyOf(tags), clock.instant()));
        return row;
    }

    private ArticleRow owned(Handle h, String slug, UserId caller) {
        ArticleRow article =
                repository.findBySlug(h, slug, Optional.of(caller)).orElseThrow(() -> new NotFound("article"));
        if (!article.authorId().equals(caller)) {
            throw new Forbidden("article");
        }
        return article;
    }

    private void replaceTags(Handle h, ArticleRow article, List<String> tags) {
        var removed = new ArrayList<>(article.tags());
        removed.removeAll(tags);
        var added = new ArrayList<>(tags);
        added.removeAll(article.tags());
        repository.removeTags(h, article.id(), removed);
        repository.addTags(h, article.id(), added, article.createdAt());
    }

    private String freeSlug(Handle h, String base, @Nullable String keep) {
        List<String> candidates = Slug.candidates(base, SLUG_CANDIDATES);
        if (keep != null && candidates.contains(keep)) {
            return keep;
        }
        return repository
                .firstFreeSlug(h, candidates)
                .orElseGet(() -> base + "-" + Long.toString(System.nanoTime() & 0xffffffffL, 36));
    }

    private ArticlePage single(ArticleRow row, Optional<UserId> viewer) {
        return new ArticlePage(List.of(row), authorsOf(List.of(row), viewer), 1);
    }

    private Map<UserId, ProfileView> authorsOf(List<ArticleRow> rows, Optional<UserId> viewer) {
        Set<UserId> ids = rows.stream().map(ArticleRow::authorId).collect(Collectors.toSet());
        return profiles.byIds(ids, viewer);
    }

    private static ArticlePage empty() {
        return new ArticlePage(List.of(), Map.of(), 0);
    }
}
