package io.execkpi.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.execkpi.ExecKpiApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A KPI catalog and SQL folder kept as files beside a test's data directory (a copy of the repository's
 * {@code sql/duckdb/}), and the application started on them: how an operator changes KPIs without a build.
 */
public final class CatalogFiles {

    private CatalogFiles() {
    }

    /**
     * Copies {@code sql/duckdb/*.sql} to {@code <dir>/files/sql/duckdb/} and writes {@code catalog} as
     * {@code <dir>/files/kpis.yml}.
     *
     * @return the {@code files} folder
     */
    public static Path write(Path dir, String catalog) throws IOException {
        Path files = dir.resolve("files");
        Files.createDirectories(files.resolve("sql/duckdb"));
        try (Stream<Path> sql = Files.list(Path.of("sql/duckdb"))) {
            for (Path p : sql.toList()) {
                Files.copy(p, files.resolve("sql/duckdb").resolve(p.getFileName()));
            }
        }
        Files.writeString(files.resolve("kpis.yml"), catalog);
        return files;
    }

    /**
     * Starts the application (random port, no bootstrap, no schedule) on the data directory, the catalog and SQL of
     * {@code files}, and a warehouse generated from {@code start} at {@code scale}.
     */
    public static ConfigurableApplicationContext start(Path dir, Path files, String start, String scale,
                                                       String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--execkpi.data-dir=" + dir,
                "--execkpi.artifacts.dir=" + dir.resolve("artifacts"),
                "--execkpi.thelook.start=" + start, "--execkpi.thelook.scale=" + scale,
                "--execkpi.bootstrap.enabled=false", "--execkpi.schedule.nightly=-",
                "--execkpi.kpi.catalog=file:" + files.resolve("kpis.yml").toAbsolutePath(),
                "--execkpi.warehouse.sql-location=file:" + files.resolve("sql").toAbsolutePath() + "/"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(ExecKpiApplication.class).run(args.toArray(String[]::new));
    }
}
