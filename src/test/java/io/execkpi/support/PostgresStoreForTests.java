package io.execkpi.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Runs the integration suite against PostgreSQL as the job repository and results store: active when the system
 * property {@code execkpi.test.store=postgres} is set (the Maven profile {@code postgres-store} does this when
 * {@code EXECKPI_TEST_POSTGRES_URL} is set). Every application started by a test then uses one fresh schema per data
 * directory, so two starts on the same data directory (a restart, a second replica) share their store, as they
 * would in production, and unrelated tests never see each other's rows.
 */
public class PostgresStoreForTests implements EnvironmentPostProcessor {

    static final String URL_ENV = "EXECKPI_TEST_POSTGRES_URL";
    private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();

    public static boolean active() {
        return "postgres".equals(System.getProperty("execkpi.test.store")) && System.getenv(URL_ENV) != null;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!active()) {
            return;
        }
        String base = System.getenv(URL_ENV);
        environment.getPropertySources().addFirst(new PropertySource<>("postgres-test-store") {
            @Override
            public Object getProperty(String name) {
                return switch (name) {
                    case "execkpi.store.jdbc-url" -> schemaUrl(base, environment.getProperty("execkpi.data-dir", "."));
                    case "execkpi.store.username" -> user(base);
                    case "execkpi.store.password" -> "";
                    default -> null;
                };
            }
        });
    }

    /**
     * JVM arguments for a child process that starts the application on {@code dataDir} (a process to be killed): the
     * same store choice as this JVM. With PostgreSQL, this JVM prepares the data directory's schema first, so that
     * its own later start on that directory keeps what the child wrote instead of preparing it afresh.
     */
    public static List<String> childJvmArguments(Path dataDir) {
        if (!active()) {
            return List.of();
        }
        schemaUrl(System.getenv(URL_ENV), dataDir.toString());
        return List.of("-Dexeckpi.test.store=postgres");
    }

    static String schemaUrl(String base, String dataDir) {
        String schema = "t_" + HexFormat.of().formatHex(sha256(dataDir)).substring(0, 16);
        if (CREATED.add(schema)) {
            try (Connection c = DriverManager.getConnection(base); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                s.execute("CREATE SCHEMA " + schema);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot prepare PostgreSQL schema " + schema + ": " + e.getMessage(), e);
            }
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static String user(String url) {
        int at = url.indexOf("user=");
        if (at < 0) {
            return "postgres";
        }
        int end = url.indexOf('&', at);
        return url.substring(at + 5, end < 0 ? url.length() : end);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
