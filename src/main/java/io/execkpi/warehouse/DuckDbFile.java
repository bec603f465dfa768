package io.execkpi.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file behind a DuckDB JDBC URL, and the one-time replacement of the H2 warehouse that versions before DuckDB
 * kept in the same folder ({@code warehouse.mv.db}).
 */
public final class DuckDbFile {

    /** Prefix of every DuckDB JDBC URL. */
    public static final String URL_PREFIX = "jdbc:duckdb:";

    /** File name of the H2 warehouse written by earlier versions, next to the DuckDB file. */
    static final String LEGACY_H2_FILE = "warehouse.mv.db";

    private static final Logger log = LoggerFactory.getLogger(DuckDbFile.class);

    private DuckDbFile() {
    }

    /**
     * The database file a DuckDB JDBC URL opens.
     *
     * @param jdbcUrl a JDBC URL; options after {@code ;} or {@code ?} are ignored
     * @return the file, or empty for an in-memory database ({@code jdbc:duckdb:}, {@code jdbc:duckdb::memory:},
     *         {@code jdbc:duckdb:memory:name}) or a URL that is not DuckDB's
     */
    public static Optional<Path> path(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith(URL_PREFIX)) {
            return Optional.empty();
        }
        String rest = jdbcUrl.substring(URL_PREFIX.length());
        int options = indexOfAny(rest, ';', '?');
        String file = options >= 0 ? rest.substring(0, options) : rest;
        if (file.isBlank() || file.startsWith(":memory:") || file.startsWith("memory:")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(file));
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == a || s.charAt(i) == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Prepares the folder of a DuckDB warehouse file before it is first opened: creates the folder, and when an H2
     * warehouse from an earlier version lies beside it ({@code warehouse.mv.db}), deletes it (with its
     * {@code warehouse.trace.db}) and logs one line. The results store and job history ({@code store.mv.db}) are
     * other files and stay.
     *
     * @param duckDbFile the DuckDB warehouse file (it may not exist yet)
     * @return the start date the H2 warehouse's generator had recorded ({@code thelook_meta.start_date}), when the
     *         DuckDB file did not exist yet and that date could be read: regenerating from it gives the rows the
     *         results store was computed from (same seed, same scale); empty otherwise
     * @throws UncheckedIOException when the folder cannot be created or the H2 file cannot be deleted
     */
    public static Optional<LocalDate> prepare(Path duckDbFile) {
        Path folder = duckDbFile.toAbsolutePath().normalize().getParent();
        try {
            Files.createDirectories(folder);
            Path legacy = folder.resolve(LEGACY_H2_FILE);
            if (!Files.exists(legacy)) {
                return Optional.empty();
            }
            Optional<LocalDate> start = Files.exists(duckDbFile) ? Optional.empty() : legacyStart(legacy);
            Files.delete(legacy);
            Files.deleteIfExists(folder.resolve("warehouse.trace.db"));
            log.warn("Replaced the H2 warehouse of an earlier version ({}) by the DuckDB warehouse {}, regenerated "
                    + "from the thelook settings{}; the results store and job history are kept", legacy, duckDbFile,
                    start.map(d -> " from its recorded start " + d).orElse(""));
            return start;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the warehouse folder " + folder, e);
        }
    }

    /** The generator's recorded start in an H2 warehouse file, or empty when it cannot be read. */
    private static Optional<LocalDate> legacyStart(Path h2File) {
        String name = h2File.toAbsolutePath().toString();
        String base = name.substring(0, name.length() - ".mv.db".length());
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + base + ";IFEXISTS=TRUE", "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT start_date FROM thelook_meta WHERE id = 1")) {
            return rs.next() ? Optional.ofNullable(rs.getObject(1, LocalDate.class)) : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }
}
