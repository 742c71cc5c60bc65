package io.conduit.comments;

import io.conduit.articles.ArticleId;
import io.conduit.platform.UserId;
import io.conduit.platform.database.UtcInstants;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for {@code comments.comment}. */
final class CommentRepository {
    private static final String COLUMNS =
            "select id, article_id, author_id, body, created_at, updated_at from comments.comment";
    private static final String BY_ARTICLE = COLUMNS + " where article_id = :article order by created_at desc, id desc";
    private static final String BY_ID = COLUMNS + " where id = :id and article_id = :article";
    private static final String INSERT = """
            insert into comments.comment (article_id, author_id, body, created_at, updated_at)
            values (:article, :author, :body, :now, :now)
            returning id, article_id, author_id, body, created_at, updated_at
            """;
    private static final String DELETE = "delete from comments.comment where id = :id";
    private static final String DELETE_ALL = "delete from comments.comment where article_id = :article";

    List<CommentRow> forArticle(Handle h, ArticleId article) {
        return h.createQuery(BY_ARTICLE)
                .bind("article", article.value())
                .map(CommentRepository::row)
                .list();
    }

    Optional<CommentRow> find(Handle h, ArticleId article, long id) {
        return h.createQuery(BY_ID)
                .bind("article", article.value())
                .bind("id", id)
                .map(CommentRepository::row)
                .findOne();
    }

    CommentRow insert(Handle h, ArticleId article, UserId author, String body, Instant now) {
        return h.createQuery(INSERT)
                .bind("article", article.value())
                .bind("author", author.value())
                .bind("body", body)
                .bind("now", now)
                .map(CommentRepository::row)
                .one();
    }

    void delete(Handle h, long id) {
        h.createUpdate(DELETE).bind("id", id).execute();
    }

    /** Removes every comment of an article; running it twice removes nothing more. */
    int deleteAllFor(Handle h, ArticleId article) {
        return h.createUpdate(DELETE_ALL).bind("article", article.value()).execute();
    }

    private static CommentRow row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new CommentRow(
                rs.getLong("id"),
                rs.getLong("article_id"),
                new UserId(rs.getLong("author_id")),
                rs.getString("body"),
                UtcInstants.column(rs, "created_at"),
                UtcInstants.column(rs, "updated_at"));
    }
}
