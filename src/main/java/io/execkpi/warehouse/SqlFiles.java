package io.execkpi.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Loads {@code <location>/<dialect>/<name>.sql}. Names are restricted to {@code [a-z][a-z0-9_]*}, so a name can
 * never address a file outside the dialect folder (the original executed any path it was given).
 */
public final class SqlFiles {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final ResourceLoader loader;
    private final String location;
    private final String dialect;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    public SqlFiles(ResourceLoader loader, String location, String dialect) {
        this.loader = loader;
        this.location = location.endsWith("/") ? location : location + "/";
        this.dialect = dialect;
    }

    public String dialect() {
        return dialect;
    }

    /** The SQL text of a named query; cached after the first read. */
    public String sql(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new UnknownQueryException("Invalid query name '" + name + "': expected [a-z][a-z0-9_]*");
        }
        return cache.computeIfAbsent(name, this::read);
    }

    private String read(String name) {
        Resource resource = loader.getResource(location + dialect + "/" + name + ".sql");
        if (!resource.exists()) {
            throw new UnknownQueryException("No SQL file " + dialect + "/" + name + ".sql under " + location);
        }
        try {
            return resource.getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }
}
