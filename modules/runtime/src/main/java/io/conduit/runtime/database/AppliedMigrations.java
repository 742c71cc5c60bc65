package io.conduit.runtime.database;

import io.conduit.platform.ModuleDescriptor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Whether a schema's Flyway history already holds exactly the migrations on the classpath: every
 * script {@code V<version>__<description>.sql} applied successfully with the checksum Flyway
 * records for it (CRC32 of the script's lines in UTF-8, as Flyway computes it), nothing pending,
 * nothing failed. One query per schema, and no Flyway at all: an instance starting against a
 * migrated database (every start but a release's first) skips the slowest part of its start.
 * Anything else, including a history this check does not understand, answers false, and Flyway
 * runs as always: it can only make a start slower, never skip a migration.
 */
final class AppliedMigrations {
    private static final Pattern SCRIPT = Pattern.compile("V([0-9][0-9._]*)__[^/]*\\.sql");
    private static final Pattern UNSAFE = Pattern.compile("[^a-z0-9_]");

    private AppliedMigrations() {}

    /** True when every schema's history matches its scripts; false when any differs or cannot be read. */
    static boolean current(DataSource dataSource, Iterable<ModuleDescriptor> schemas) {
        try (Connection connection = dataSource.getConnection()) {
            for (ModuleDescriptor module : schemas) {
                if (!current(connection, module.schema(), scripts(module.schema()))) {
                    return false;
                }
            }
            return true;
        } catch (SQLException e) {
            return false; // no history table yet, or no database: Flyway decides
        }
    }

    /** Version to checksum of the applied, successful versioned migrations, compared with {@code scripts}. */
    static boolean current(Connection connection, String schema, Map<String, Integer> scripts) throws SQLException {
        if (UNSAFE.matcher(schema).find() || scripts.isEmpty()) {
            return false;
        }
        var applied = new TreeMap<String, Integer>();
        try (var statement = connection.createStatement();
                var rows = statement.executeQuery("select version, checksum, success, type from " + schema
                        + ".flyway_schema_history" + " where version is not null and type <> 'SCHEMA'")) {
            while (rows.next()) {
                int checksum = rows.getInt("checksum");
                if (rows.wasNull() || !rows.getBoolean("success") || !"SQL".equals(rows.getString("type"))) {
                    return false;
                }
                applied.put(rows.getString("version"), checksum);
            }
        }
        return applied.equals(scripts);
    }

    /** The versioned scripts in {@code classpath:db/<schema>}: version to Flyway checksum. */
    static Map<String, Integer> scripts(String schema) {
        String location = "db/" + schema;
        URL url = AppliedMigrations.class.getClassLoader().getResource(location);
        var scripts = new TreeMap<String, Integer>();
        if (url == null) {
            return scripts;
        }
        try {
            for (String name : names(url, location)) {
                Matcher matcher = SCRIPT.matcher(name);
                if (matcher.matches()) {
                    scripts.put(matcher.group(1).replace('_', '.'), checksum(location + "/" + name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + location, e);
        }
        return scripts;
    }

    /** File names directly in {@code location}, from a JAR (the shaded conduit.jar) or a directory (tests). */
    private static Iterable<String> names(URL url, String location) throws IOException {
        if (url.getProtocol().equals("jar")) {
            var connection = (JarURLConnection) url.openConnection();
            String prefix = location + "/";
            try (Stream<String> entries = connection.getJarFile().stream().map(java.util.zip.ZipEntry::getName)) {
                return entries.filter(name -> name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0)
                        .map(name -> name.substring(prefix.length()))
                        .filter(name -> !name.isEmpty())
                        .toList();
            }
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.map(path -> path.getFileName().toString()).toList();
        } catch (URISyntaxException e) {
            throw new IOException("not a file location: " + url, e);
        }
    }

    /** Flyway's checksum of one script: CRC32 over its lines (no line ends, BOM dropped) in UTF-8. */
    static int checksum(String resource) throws IOException {
        InputStream in = AppliedMigrations.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("no " + resource);
        }
        var crc = new CRC32();
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096)) {
            boolean first = true;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (first && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                first = false;
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return (int) crc.getValue();
    }
}
