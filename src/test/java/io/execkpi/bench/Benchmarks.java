package io.execkpi.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

import io.execkpi.ExecKpiApplication;
import io.execkpi.abtest.stats.AbStatsBenchmark;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiCatalog;
import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.kpi.KpiProperties;
import io.execkpi.thelook.GenerationSummary;
import io.execkpi.thelook.TheLookGenerator;
import io.execkpi.thelook.TheLookSettings;
import io.execkpi.warehouse.SqlFiles;
import io.execkpi.warehouse.WarehouseConfiguration;
import io.execkpi.warehouse.WarehouseImporter;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterUtils;
import org.springframework.jdbc.core.namedparam.ParsedSql;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Writes BENCHMARKS.md: generation of the embedded warehouse at scale 1.0, its import from a BigQuery-style CSV
 * export, the full KPI backfill over its whole history, one nightly day, the same KPI SQL run by DuckDB alone (the
 * ratio), the A/B statistics of 10,000 experiments, the peak heap of this JVM (run with -Xmx1g by the
 * {@code benchmark} Maven profile), and a "Scale" section comparing scale 0.1, 1.0 and, with
 * {@code -Dbench.scale10=true}, 10. Medians of several runs; nothing here asserts on time.
 */
public final class Benchmarks {

    static final long SEED = 20240101L;

    /** Heap in use, sampled every 50 ms: over the whole run, and since the start of the current scale's phase. */
    private static final java.util.concurrent.atomic.AtomicLong PEAK_HEAP = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong PHASE_PEAK_HEAP =
            new java.util.concurrent.atomic.AtomicLong();

    /** The thelook tables a BigQuery export holds, in the order they are exported. */
    private static final List<String> EXPORTED_TABLES = List.of("distribution_centers", "products", "users", "orders",
            "order_items", "inventory_items", "events", "experiments", "experiment_variants", "assignments");

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        // heap in use, sampled every 50 ms over the whole run (the sum of the pools' own peaks overstates it)
        Thread sampler = new Thread(() -> {
            var memory = ManagementFactory.getMemoryMXBean();
            while (true) {
                long used = memory.getHeapMemoryUsage().getUsed();
                PEAK_HEAP.accumulateAndGet(used, Math::max);
                PHASE_PEAK_HEAP.accumulateAndGet(used, Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path root = Files.createTempDirectory("execkpi-bench");
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        LocalDate start = yesterday.minusYears(3).plusDays(1);
        String loadAtStart = loadAverage();
        List<String> rows = new ArrayList<>();
        ScaleRow scaleOne = null;
        if ("import".equals(System.getProperty("bench.only"))) {
            importOnly(out, root, start, yesterday, runs, loadAtStart);
            return;
        }
        if ("scale10".equals(System.getProperty("bench.only"))) {
            scale10Only(out, root, start, yesterday, runs, loadAtStart);
            return;
        }

        // 1. generation at scale 1.0 into a fresh DuckDB file each run
        PHASE_PEAK_HEAP.set(0);
        Generations generated = generate(1.0, root, "run-", runs, start, yesterday);
        GenerationSummary summary = generated.summary();
        long[] generation = generated.nanos();
        long[] generationCpu = generated.cpu();
        Path warehouseDir = generated.lastDir();
        rows.add(row("Generate the embedded warehouse, scale 1.0, " + summary.days() + " days (" + summary.users()
                + " users, " + summary.orders() + " orders, " + summary.orderItems() + " items, " + summary.events()
                + " events); CPU time of the process per run (all its threads, DuckDB's included): "
                + seconds(generationCpu), generation, "≤ 10 s (issue 12)"));

        // 1b. that warehouse exported as BigQuery writes CSV, then imported into a new DuckDB file each run
        rows.add(csvImport(warehouseDir.resolve("warehouse.duckdb"), root, runs, ""));

        // 2. jobs on the last generated warehouse, through the real application (no web server)
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE)
                .run("--execkpi.data-dir=" + warehouseDir.toAbsolutePath(), "--execkpi.bootstrap.enabled=false",
                        "--execkpi.thelook.generate=false", "--logging.level.root=WARN")) {
            JobRunner runner = context.getBean(JobRunner.class);
            LocalDate first = start;
            int kpis = context.getBean(KpiCatalog.class).all().size();
            KpiAlone alone = new KpiAlone(context);
            int pairs = Math.max(runs, 5);
            // side by side: each timed kpiJob run is followed by DuckDB running the same SQL alone; one untimed pair
            // first (its kpiJob fills the empty results store), so that neither side pays the JIT's warm-up
            SideBySide backfill = sideBySide(pairs, () -> job(runner, new JobRequest(yesterday, first, true)),
                    () -> alone.run(first, yesterday));
            rows.add(row("kpiJob full backfill " + first + ".." + yesterday + " (" + kpis + " KPIs, "
                    + (yesterday.toEpochDay() - first.toEpochDay() + 1) + " business dates; rerun=true over a results"
                    + " store that holds its rows: an untimed first run filled it)", backfill.job(),
                    "≤ 3 s (issue 12)"));
            rows.add(row("The same KPI SQL files run by DuckDB alone over " + first + ".." + yesterday + " (one query "
                    + "per KPI, every row fetched over JDBC; no job, no results store), right after each kpiJob run"
                    + " above: kpiJob full backfill takes " + backfill.ratio() + " of it (median of the " + pairs
                    + " pairs' ratios: " + backfill.ratios() + ")", backfill.alone(),
                    "kpiJob ≤ 1.5× of it (issue 12)"));
            SideBySide emptyBackfill = emptyStoreBackfills(context, runner, new JobRequest(yesterday, first, true),
                    pairs, () -> alone.run(first, yesterday));
            rows.add(row("kpiJob full backfill as above into an emptied results store each run (KPI rows, ledger and"
                    + " data-quality results deleted before each timed run: every row inserted, as on a first"
                    + " install), each followed by DuckDB alone as above: takes " + emptyBackfill.ratio() + " of it"
                    + " (pairs' ratios: " + emptyBackfill.ratios() + ")", emptyBackfill.job(),
                    "≤ 3 s, ≤ 1.5× of DuckDB alone (issue 12)"));
            LocalDate nightlyFrom = yesterday.minusDays(alone.lookbackDays());
            SideBySide nightly = sideBySide(pairs, () -> job(runner, new JobRequest(yesterday, null, true)),
                    () -> alone.run(nightlyFrom, yesterday));
            rows.add(row("kpiJob one nightly day (date " + yesterday + " with its 2-day lookback)", nightly.job(),
                    "≤ 0.5 s (issue 12)"));
            rows.add(row("The same KPI SQL files run by DuckDB alone over " + nightlyFrom + ".." + yesterday
                    + " (the nightly day's range), right after each nightly kpiJob run above: kpiJob one nightly day"
                    + " takes " + nightly.ratio() + " of it (pairs' ratios: " + nightly.ratios() + ")",
                    nightly.alone(), "kpiJob ≤ 1.5× of it (issue 12)"));
            JobRuns whole = jobRuns(runner, "nightlyJob", yesterday, runs);
            rows.add(row("nightlyJob one day (kpiJob + abJob + the ML step for " + yesterday + ": mlScoreJob with the"
                    + " published model, or mlJob when retraining is due, e.g. no model is published yet; last run's"
                    + " steps in s: "
                    + whole.steps() + ")", whole.nanos(), "≤ 5 s (issue 12)"));
            scaleOne = new ScaleRow(1.0, summary, generation, generationCpu, backfill.job(), nightly.job(), whole,
                    backfill.ratio(), PHASE_PEAK_HEAP.get(),
                    Files.size(warehouseDir.resolve("warehouse.duckdb")));
            if (runner.knows("mlJob")) {
                JobRuns ml = jobRuns(runner, "mlJob", yesterday, runs);
                rows.add(row("mlJob end to end, scale 1.0 (last run's steps in s: " + ml.steps() + ")", ml.nanos(),
                        "≤ 30 s"));
            }
        }

        // 3. read API under load: GET /api/kpis/revenue_daily for 30 days, wrk on loopback
        rows.addAll(readApiLoad(warehouseDir, yesterday, runs));

        // 3b. dashboard pages: server time for a 365-day range, and the overview's transfer on a first load
        rows.addAll(DashboardBenchmark.run(warehouseDir, yesterday, runs));

        // 4. A/B statistics
        long[] ab = AbStatsBenchmark.run(Math.max(runs, 5));
        rows.add(row("A/B statistics: 10,000 experiments × 3 arms (SRM, z-tests, intervals, Holm, chance to beat, "
                + "MDE, Welch)", ab, "< 1 s"));
        long[] effects = AbStatsBenchmark.runEffects(Math.max(runs, 5));
        rows.add(row("A/B statistics: 10,000 experiments × 3 arms × 3 metrics with CUPED and sequential (gbstats "
                + "method: θ pooled per comparison, confidence sequences and fixed horizon, risk, SRM over all arms, "
                + "BH over the 6 metric × arm pairs)", effects, "< 2 s (issue 10)"));

        // 5. cost against data: scale 0.1 always, scale 10 on request (about 10 minutes more on 2 cores)
        List<ScaleRow> scales = new ArrayList<>();
        List<String> scaleFailures = new ArrayList<>();
        scale(0.1, root, start, yesterday, runs, runs, runs, scales, scaleFailures);
        if (scaleOne != null) {
            scales.add(scaleOne);
        }
        boolean scale10 = Boolean.getBoolean("bench.scale10");
        if (scale10) {
            // written once before scale 10 too, so that a scale-10 run stopped half-way leaves the other rows
            write(out, rows, scales, false, runs, scaleFailures, loadAtStart);
            scale(10.0, root, start, yesterday, Integer.getInteger("bench.scale10.generations", 1), runs, 1, scales,
                    scaleFailures);
        }
        System.out.println(write(out, rows, scales, scale10, runs, scaleFailures, loadAtStart));
    }

    /** Writes BENCHMARKS.md (the load average at the end is read now) and returns its text. */
    private static String write(Path out, List<String> rows, List<ScaleRow> scales, boolean scale10, int runs,
                                List<String> scaleFailures, String loadAtStart) throws java.io.IOException {
        String loadAtEnd = loadAverage();
        long maxHeap = Runtime.getRuntime().maxMemory();
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n")
                .append("Produced by `./mvnw -Pbenchmark -DskipTests verify` (class `io.execkpi.bench.Benchmarks`, "
                        + "one JVM with `-Xmx1g`). Times are medians of the runs listed; nothing is cached between runs "
                        + "of a row except the JVM's warm code.\n\n")
                .append("Machine: ").append(machine()).append("  \n")
                .append("Load average (1 min) at the start and the end: ").append(loadAtStart).append(", ")
                .append(loadAtEnd).append(" (other processes share the cores: more than 2 means the times above "
                        + "include waiting for a core)  \n")
                .append("Date: ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n")
                .append("| what | median | runs (s) | target |\n|---|---|---|---|\n");
        rows.forEach(r -> md.append(r).append('\n'));
        md.append(String.format(Locale.ROOT, "%nPeak heap in use (sampled every 50 ms) over the whole benchmark JVM, which "
                + "runs everything above with -Xmx1g: %.0f MiB of %.0f MiB (target ≤ 1 GiB). Peak resident memory of "
                + "the process (heap, DuckDB's own memory, code): %s.%n",
                PEAK_HEAP.get() / 1048576.0, maxHeap / 1048576.0, peakResident()));
        md.append("\nWith a load average above 2 the wall times include waiting for a core; the generation and import "
                + "rows also give the CPU time of the process (all threads), which waiting hardly inflates. The KPI "
                + "ratios are medians of side-by-side pairs (a kpiJob run, then DuckDB alone right after it), so a "
                + "load that changes over minutes moves both sides of a pair alike.\n");
        md.append(scaleSection(scales, scale10, runs, scaleFailures));
        String text = keepHandWrittenSections(out, md.toString());
        Files.writeString(out, text);
        return text;
    }

    // ---- issue 12: import, DuckDB alone, nightly, scale -------------------------------------------------------

    /**
     * Exports the warehouse in {@code duckdbFile} the way BigQuery writes CSV (one file per table, header row,
     * timestamps as {@code 2025-01-25 19:35:58 UTC}, the geography columns BigQuery adds), then times
     * {@link WarehouseImporter#importFrom} of that folder into a new DuckDB file, {@code runs} times.
     */
    private static String csvImport(Path duckdbFile, Path root, int runs, String note) throws Exception {
        Path export = Files.createDirectories(root.resolve("csv-export"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + duckdbFile.toAbsolutePath());
             Statement st = c.createStatement()) {
            for (String table : EXPORTED_TABLES) {
                List<String> select = new ArrayList<>();
                try (ResultSet rs = st.executeQuery("SELECT column_name, data_type FROM information_schema.columns "
                        + "WHERE table_schema = 'main' AND table_name = '" + table + "' ORDER BY ordinal_position")) {
                    while (rs.next()) {
                        String column = rs.getString(1);
                        // BigQuery writes fractional seconds only when there are some
                        select.add(rs.getString(2).equals("TIMESTAMP")
                                ? "CASE WHEN microsecond(" + column + ") % 1000000 = 0 THEN strftime(" + column
                                        + ", '%Y-%m-%d %H:%M:%S UTC') ELSE strftime(" + column
                                        + ", '%Y-%m-%d %H:%M:%S.%f UTC') END AS " + column
                                : column);
                    }
                }
                if (table.equals("users")) {
                    select.add("'POINT(' || longitude || ' ' || latitude || ')' AS user_geom");
                } else if (table.equals("distribution_centers")) {
                    select.add("'POINT(' || longitude || ' ' || latitude || ')' AS distribution_center_geom");
                }
                st.execute("COPY (SELECT " + String.join(", ", select) + " FROM " + table + ") TO '"
                        + export.resolve(table + ".csv").toAbsolutePath() + "' (HEADER, DELIMITER ',')");
            }
        }
        long bytes;
        try (var files = Files.list(export)) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        long[] nanos = new long[runs];
        long[] cpu = new long[runs];
        WarehouseImporter.Summary summary = null;
        for (int i = 0; i < runs; i++) {
            Path target = Files.createDirectories(root.resolve("import-" + i)).resolve("warehouse.duckdb");
            DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:duckdb:" + target.toAbsolutePath());
            long t0 = System.nanoTime();
            long cpu0 = processCpu();
            summary = WarehouseImporter.importFrom(ds, export);
            nanos[i] = System.nanoTime() - t0;
            cpu[i] = processCpu() - cpu0;
            System.out.printf("import run %d: %.1f s (CPU %.1f s)%n", i + 1, nanos[i] / 1e9, cpu[i] / 1e9);
        }
        long rowCount = summary.rows().values().stream().mapToLong(Long::longValue).sum();
        return row(String.format(Locale.ROOT, "Import (`import <dir>`, WarehouseImporter) of that scale-1.0 warehouse "
                + "exported as BigQuery writes CSV: %d tables, %,d rows, %.0f MiB, into a new DuckDB file; CPU time of "
                + "the process per run: %s%s", summary.rows().size(), rowCount, bytes / 1048576.0, seconds(cpu), note),
                nanos, "≤ 10 s (issue 12)");
    }

    /**
     * {@code -Dbench.only=scale10}: measures scale 10 as the full run with {@code -Dbench.scale10=true} does and puts
     * its row into the Scale section of the existing BENCHMARKS.md (replacing an earlier scale-10 row or failure).
     */
    private static void scale10Only(Path out, Path root, LocalDate start, LocalDate yesterday, int runs,
                                    String loadAtStart) throws Exception {
        List<ScaleRow> scales = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        scale(10.0, root, start, yesterday, Integer.getInteger("bench.scale10.generations", 1), runs, 1, scales,
                failures);
        String table = scaleSection(scales, true, runs, failures);
        List<String> lines = new ArrayList<>(Files.readAllLines(out));
        lines.removeIf(l -> l.startsWith("| 10.0 |") || l.startsWith("scale 10.0 failed"));
        int one = lastLine(lines, "| 1.0 |", out);
        List<String> added = new ArrayList<>();
        table.lines().filter(l -> l.startsWith("| 10.0 |")).forEach(added::add);
        added.add("");
        failures.forEach(added::add);
        added.add("Scale 10 above was measured alone with `-Dbench.only=scale10` (same command, same JVM settings) on "
                + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + ", load average "
                + loadAtStart + " at the start, " + loadAverage() + " at the end; peak resident memory of that process "
                + peakResident() + ".");
        lines.addAll(one + 1, added);
        Files.write(out, lines);
        added.forEach(System.out::println);
    }

    /** The index of the last line starting with {@code prefix}; fails when the full benchmark has not written it. */
    private static int lastLine(List<String> lines, String prefix, Path out) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new IllegalStateException(out + " has no line starting with '" + prefix + "': run the full benchmark "
                + "first");
    }

    /**
     * {@code -Dbench.only=import}: generates the scale-1.0 warehouse once, exports and imports it as in the full run,
     * and replaces only the import row of the existing BENCHMARKS.md (the row says when and under what load).
     */
    private static void importOnly(Path out, Path root, LocalDate start, LocalDate yesterday, int runs,
                                   String loadAtStart) throws Exception {
        Path dir = generate(1.0, root, "run-", 1, start, yesterday).lastDir();
        String row = csvImport(dir.resolve("warehouse.duckdb"), root, runs, "PLACEHOLDER");
        row = row.replace("PLACEHOLDER", " (this row alone, `-Dbench.only=import`, " + java.time.Instant.now()
                .truncatedTo(java.time.temporal.ChronoUnit.MINUTES) + ", load average " + loadAtStart + " at the "
                + "start, " + loadAverage() + " at the end)");
        List<String> lines = new ArrayList<>(Files.readAllLines(out));
        lines.set(lastLine(lines, "| Import (`import <dir>`", out), row);
        Files.write(out, lines);
        System.out.println(row);
    }

    /**
     * Each KPI's SQL file run by DuckDB alone, one query per KPI over a whole range, on the application's warehouse
     * pool: parameters bound as the KPI step binds them, every row and column read, nothing stored.
     */
    private static final class KpiAlone {

        private final DataSource warehouse;
        private final SqlFiles sqlFiles;
        private final KpiCatalog catalog;
        private final int lookbackDays;

        KpiAlone(ConfigurableApplicationContext context) {
            warehouse = context.getBean(WarehouseConfiguration.WarehouseConnection.class).dataSource();
            sqlFiles = context.getBean(SqlFiles.class);
            catalog = context.getBean(KpiCatalog.class);
            lookbackDays = context.getBean(KpiProperties.class).lookbackDays();
        }

        int lookbackDays() {
            return lookbackDays;
        }

        /** Runs every KPI over [from, to]; returns the number of rows read. */
        long run(LocalDate from, LocalDate to) {
            long rows = 0;
            try (Connection c = warehouse.getConnection()) {
                for (KpiDefinition kpi : catalog.all()) {
                    MapSqlParameterSource parameters = new MapSqlParameterSource(Map.of("from", from, "to", to,
                            "partition_from", kpi.grain().partitionFrom(from),
                            "partition_to", kpi.grain().partitionTo(to),
                            // as kpiJob binds it when `to` is yesterday (MaterializeKpiTasklet.cappedFrom)
                            "capped_from", to.minusDays(6)));
                    ParsedSql parsed = NamedParameterUtils.parseSqlStatement(sqlFiles.sql(kpi.sql()));
                    Object[] values = NamedParameterUtils.buildValueArray(parsed, parameters, null);
                    try (PreparedStatement ps = c.prepareStatement(
                            NamedParameterUtils.substituteNamedParameters(parsed, parameters))) {
                        for (int i = 0; i < values.length; i++) {
                            ps.setObject(i + 1, values[i]);
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            int columns = rs.getMetaData().getColumnCount();
                            while (rs.next()) {
                                for (int i = 1; i <= columns; i++) {
                                    rs.getObject(i);
                                }
                                rows++;
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return rows;
        }
    }

    /**
     * Times {@code runs} kpiJob runs of {@code request}, each after deleting (untimed) every KPI row, the
     * materialization ledger and the data-quality results, so that each run inserts every row; each is followed by
     * a timed run of {@code alone}.
     */
    private static SideBySide emptyStoreBackfills(ConfigurableApplicationContext context, JobRunner runner,
                                                  JobRequest request, int runs, LongSupplier alone) {
        org.springframework.jdbc.core.JdbcTemplate store = context.getBean(
                org.springframework.jdbc.core.JdbcTemplate.class);
        return sideBySide(runs, () -> {
            for (KpiDefinition kpi : context.getBean(KpiCatalog.class).all()) {
                store.update("DELETE FROM " + kpi.table());
            }
            store.update("DELETE FROM kpi_materialization");
            store.update("DELETE FROM quality_result");
        }, () -> job(runner, request), alone);
    }

    /**
     * Times of a job and of DuckDB alone doing the same queries, taken in pairs (job, then alone, {@code runs} times)
     * so that both see the same machine at nearly the same moment; the ratio is the median of the pairs' ratios.
     */
    record SideBySide(long[] job, long[] alone) {

        double[] each() {
            double[] r = new double[job.length];
            for (int i = 0; i < job.length; i++) {
                r[i] = (double) job[i] / alone[i];
            }
            return r;
        }

        /** "1.23×": the median of the pairs' ratios job ÷ alone. */
        String ratio() {
            return String.format(Locale.ROOT, "%.2f×", median(each()));
        }

        /** The pairs' ratios in run order, "1.31, 1.25, …". */
        String ratios() {
            return Arrays.stream(each()).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r))
                    .collect(java.util.stream.Collectors.joining(", "));
        }
    }

    /** {@link #sideBySide(int, Runnable, LongSupplier, LongSupplier)} with nothing to prepare. */
    private static SideBySide sideBySide(int runs, LongSupplier job, LongSupplier alone) {
        return sideBySide(runs, () -> { }, job, alone);
    }

    /**
     * One untimed run of {@code job} and of {@code alone} (warm-up), then {@code runs} pairs: a timed {@code job}
     * and right after it a timed {@code alone}; {@code prepare} runs untimed before every run of {@code job}.
     */
    private static SideBySide sideBySide(int runs, Runnable prepare, LongSupplier job, LongSupplier alone) {
        prepare.run();
        job.getAsLong();
        alone.getAsLong();
        long[] jobNanos = new long[runs];
        long[] aloneNanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            prepare.run();
            long t0 = System.nanoTime();
            job.getAsLong();
            jobNanos[i] = System.nanoTime() - t0;
            t0 = System.nanoTime();
            alone.getAsLong();
            aloneNanos[i] = System.nanoTime() - t0;
        }
        return new SideBySide(jobNanos, aloneNanos);
    }

    private static double median(long[] nanos) {
        double[] values = new double[nanos.length];
        for (int i = 0; i < nanos.length; i++) {
            values[i] = nanos[i];
        }
        return median(values);
    }

    /** A job's times over several runs and the last run's step durations ("name seconds, …"). */
    private record JobRuns(long[] nanos, String steps) {
    }

    /** Runs {@code jobName} for one date (rerun) {@code runs} times. */
    private static JobRuns jobRuns(JobRunner runner, String jobName, LocalDate date, int runs) {
        List<String> steps = new ArrayList<>();
        long[] nanos = time(runs, () -> {
            JobExecution e = run(runner, jobName, new JobRequest(date, null, true));
            steps.add(e.getStepExecutions().stream().sorted(java.util.Comparator.comparing(
                            org.springframework.batch.core.step.StepExecution::getId))
                    .map(st -> st.getStepName() + childJob(st) + " " + String.format(Locale.ROOT, "%.1f",
                            java.time.Duration.between(st.getStartTime(), st.getEndTime()).toMillis() / 1e3))
                    .reduce((a, b) -> a + ", " + b).orElse(""));
            return e.getId();
        });
        return new JobRuns(nanos, steps.getLast());
    }

    /** " (mlScoreJob)" for a nightlyJob step whose exit description names the job it chose ("ran <job> …"), else "". */
    private static String childJob(org.springframework.batch.core.step.StepExecution step) {
        String description = step.getExitStatus().getExitDescription();
        if (description == null || !description.startsWith("ran ") || description.indexOf(' ', 4) < 0) {
            return "";
        }
        return " (" + description.substring(4, description.indexOf(' ', 4)) + ")";
    }

        /** Generation runs: the last summary and folder, wall and process CPU time per run (ns). */
    private record Generations(GenerationSummary summary, Path lastDir, long[] nanos, long[] cpu) {
    }

    /** Generates a warehouse at {@code scale} into a new folder {@code <prefix><i>} under root, {@code runs} times. */
    private static Generations generate(double scale, Path root, String prefix, int runs, LocalDate start,
                                        LocalDate yesterday) throws Exception {
        long[] nanos = new long[runs];
        long[] cpu = new long[runs];
        GenerationSummary summary = null;
        Path dir = null;
        for (int i = 0; i < runs; i++) {
            dir = Files.createDirectories(root.resolve(prefix + i));
            DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:duckdb:"
                    + dir.resolve("warehouse.duckdb").toAbsolutePath());
            long t0 = System.nanoTime();
            long cpu0 = processCpu();
            summary = new TheLookGenerator(new TheLookSettings(SEED, scale, start)).generateThrough(ds, yesterday);
            nanos[i] = System.nanoTime() - t0;
            cpu[i] = processCpu() - cpu0;
            System.out.printf("scale %s generation run %d: %.1f s (CPU %.1f s)%n", scale, i + 1, nanos[i] / 1e9,
                    cpu[i] / 1e9);
        }
        return new Generations(summary, dir, nanos, cpu);
    }

    /** One scale's measurements for the "Scale" section. */
    private record ScaleRow(double scale, GenerationSummary summary, long[] generation, long[] generationCpu,
                            long[] backfill,
                            long[] nightlyKpi, JobRuns nightly, String kpiRatio, long peakHeap, long fileBytes) {
    }

    /**
     * Generates a warehouse at {@code scale} ({@code generations} times), then times the jobs on it ({@code runs}
     * times, nightlyJob {@code nightlyRuns} times) and adds the result to {@code into}, or what failed to
     * {@code failures} (the rest of the benchmark goes on).
     */
    private static void scale(double scale, Path root, LocalDate start, LocalDate yesterday, int generations,
                              int runs, int nightlyRuns, List<ScaleRow> into, List<String> failures) {
        try {
            into.add(scale(scale, root, start, yesterday, generations, runs, nightlyRuns));
        } catch (Exception | OutOfMemoryError e) {
            e.printStackTrace();
            failures.add("scale " + scale + " failed: " + e);
        }
    }

    private static ScaleRow scale(double scale, Path root, LocalDate start, LocalDate yesterday, int generations,
                                  int runs, int nightlyRuns) throws Exception {
        PHASE_PEAK_HEAP.set(0);
        Generations generated = generate(scale, root, "scale-" + scale + "-", generations, start, yesterday);
        GenerationSummary summary = generated.summary();
        long[] generation = generated.nanos();
        long[] generationCpu = generated.cpu();
        Path dir = generated.lastDir();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE)
                .run("--execkpi.data-dir=" + dir.toAbsolutePath(), "--execkpi.bootstrap.enabled=false",
                        "--execkpi.thelook.generate=false", "--logging.level.root=WARN")) {
            JobRunner runner = context.getBean(JobRunner.class);
            KpiAlone alone = new KpiAlone(context);
            SideBySide backfill = sideBySide(runs, () -> job(runner, new JobRequest(yesterday, start, true)),
                    () -> alone.run(start, yesterday));
            long[] nightlyKpi = time(Math.max(runs, 5), () -> job(runner, new JobRequest(yesterday, null, true)));
            JobRuns nightly;
            try {
                nightly = jobRuns(runner, "nightlyJob", yesterday, nightlyRuns);
            } catch (RuntimeException e) {
                e.printStackTrace();
                // the day without the failed part: kpiJob's median above plus abJob alone
                JobRuns ab = jobRuns(runner, "abJob", yesterday, 1);
                nightly = new JobRuns(new long[0], "failed: " + e.getMessage() + "; abJob alone "
                        + String.format(Locale.ROOT, "%.2f s", median(ab.nanos()) / 1e9));
            }
            System.out.printf("scale %s: backfill %.1f s, nightly kpi %.2f s, nightlyJob %s%n", scale,
                    median(backfill.job()) / 1e9, median(nightlyKpi) / 1e9, nightly.steps());
            return new ScaleRow(scale, summary, generation, generationCpu, backfill.job(), nightlyKpi, nightly,
                    backfill.ratio(), PHASE_PEAK_HEAP.get(),
                    Files.size(dir.resolve("warehouse.duckdb")));
        }
    }

    private static String scaleSection(List<ScaleRow> scales, boolean scale10, int runs, List<String> failures) {
        StringBuilder md = new StringBuilder("\n## Scale (issue 12): cost against data\n\n");
        md.append("Same seed, same 3-year span ending yesterday, same JVM (-Xmx1g). Scale 1.0 repeats the rows of the "
                + "first table; scale 0.1 is measured after it in the same run");
        md.append(scale10 ? "; scale 10 last (generation " + Integer.getInteger("bench.scale10.generations", 1)
                + " run(s), kpiJob " + runs + " runs each, nightlyJob 1 run)." : "; scale 10 is not part of this run.");
        md.append(" Scale 10 is opt-in because it adds many minutes (about ten at a load average near 10): "
                + "`JAVA_HOME=<JDK ≥ 21> ./mvnw -Pbenchmark -DskipTests -Dbench.scale10=true verify`, or alone, into "
                + "an existing BENCHMARKS.md, with `-Dbench.only=scale10`. Each cell is a median (runs in the first table's style "
                + "in brackets). The backfill is timed after an untimed first run that fills the results store, each "
                + "run followed by DuckDB running the same SQL alone; the ratio is the median of those pairs' "
                + "ratios.\n\n");
        md.append("| scale | users / orders / events | generation | kpiJob full backfill | kpiJob nightly day | "
                + "kpiJob ÷ DuckDB alone (backfill) | nightlyJob day (kpi + ab + ml) | peak heap in use | DuckDB file |"
                + "\n|---|---|---|---|---|---|---|---|---|\n");
        for (ScaleRow r : scales) {
            md.append(String.format(Locale.ROOT, "| %s | %,d / %,d / %,d | %s | %s | %s | %s | %s (%s) | %.0f MiB | "
                            + "%.0f MiB |%n", r.scale(), r.summary().users(), r.summary().orders(),
                    r.summary().events(), cell(r.generation()) + ", CPU " + seconds(r.generationCpu()),
                    cell(r.backfill()), cell(r.nightlyKpi()),
                    r.kpiRatio(), cell(r.nightly().nanos()), r.nightly().steps(), r.peakHeap() / 1048576.0,
                    r.fileBytes() / 1048576.0));
        }
        failures.forEach(f -> md.append("\n").append(f).append("\n"));
        md.append("\nTargets (issue 12): scale 10 generation ≤ 2 min, full backfill ≤ 30 s, one nightly day ≤ 10 s, "
                + "heap ≤ 1 GiB; scale 1.0 as in the first table. Peak heap in use is sampled every 50 ms from the start "
                + "of the scale's generation to the end of its jobs; G1 lets garbage accumulate up to the -Xmx1g limit, "
                + "so it bounds the live data from above.\n");
        return md.toString();
    }

    /** CPU time of this process so far (all threads, native ones included), in nanoseconds. */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** "6.1, 5.9, 6.3 s". */
    private static String seconds(long[] nanos) {
        StringBuilder each = new StringBuilder();
        for (long n : nanos) {
            each.append(each.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", n / 1e9));
        }
        return each.append(" s").toString();
    }

    private static String cell(long[] nanos) {
        if (nanos.length == 0) {
            return "—";
        }
        StringBuilder each = new StringBuilder();
        for (long n : nanos) {
            each.append(each.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", n / 1e9));
        }
        return String.format(Locale.ROOT, "%.2f s [%s]", median(nanos) / 1e9, each);
    }

    /** VmHWM of this process from /proc/self/status, or "unknown". */
    private static String peakResident() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                    .findFirst().map(l -> String.format(Locale.ROOT, "%.0f MiB",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0)).orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }

    /**
     * The generated text with the existing file's hand-written sections kept as they are (every "## " section but the
     * generated "## Scale" one, e.g. "Dashboard (issue 9)", written from runs of their own), placed before the Scale
     * section.
     */
    private static String keepHandWrittenSections(Path out, String generated) throws java.io.IOException {
        if (!Files.exists(out)) {
            return generated;
        }
        StringBuilder kept = new StringBuilder();
        String[] sections = Files.readString(out).split("\n(?=## )");
        for (int i = 1; i < sections.length; i++) {
            if (!sections[i].startsWith("## Scale")) {
                kept.append('\n').append(sections[i].stripTrailing()).append('\n');
            }
        }
        int scale = generated.indexOf("\n## Scale");
        return generated.substring(0, scale) + kept + generated.substring(scale);
    }

    /** wrk (Debian package) against the real web server on loopback; medians of the runs' throughput and p99. */
    private static List<String> readApiLoad(Path dataDir, LocalDate yesterday, int runs) throws Exception {
        Path wrk = Path.of("/usr/bin/wrk");
        if (!Files.isExecutable(wrk)) {
            return List.of("| GET /api/kpis/revenue_daily (30 days) under load | not measured: wrk is not installed "
                    + "(`apt-get install wrk`) | | ≥ 10,000 req/s, p99 ≤ 20 ms |");
        }
        try (ConfigurableApplicationContext web = new SpringApplicationBuilder(ExecKpiApplication.class)
                .run("--execkpi.data-dir=" + dataDir.toAbsolutePath(), "--execkpi.bootstrap.enabled=false",
                        "--execkpi.thelook.generate=false", "--execkpi.schedule.nightly=-", "--server.port=0",
                        "--logging.level.root=WARN")) {
            int port = Integer.parseInt(web.getEnvironment().getProperty("local.server.port"));
            String url = "http://127.0.0.1:" + port + "/api/kpis/revenue_daily?from=" + yesterday.minusDays(29)
                    + "&to=" + yesterday;
            // warm-up: on 2 cores shared with wrk the JIT needs about 40 s of load (after 5 s, runs were 2-4x apart)
            run(wrk.toString(), "-t2", "-c32", "-d45s", url);
            double[] rps = new double[runs];
            double[] p99 = new double[runs];
            for (int i = 0; i < runs; i++) {
                String out = run(wrk.toString(), "-t2", "-c32", "-d15s", "--latency", url);
                rps[i] = Double.parseDouble(out.replaceAll("(?s).*Requests/sec:\\s*([0-9.]+).*", "$1"));
                p99[i] = millis(out.replaceAll("(?s).*\\n\\s*99%\\s+([0-9.]+[a-z]+).*", "$1"));
                if (out.contains("Non-2xx")) {
                    throw new IllegalStateException("wrk saw errors: " + out);
                }
                System.out.printf("wrk run %d: %.0f req/s, p99 %.2f ms%n", i + 1, rps[i], p99[i]);
            }
            return List.of(String.format(Locale.ROOT, "| GET /api/kpis/revenue_daily (30 days), wrk -t2 -c32 -d15s on "
                    + "loopback (server and wrk share the 2 cores) | %.0f req/s, p99 %.2f ms | %s | ≥ 10,000 req/s, "
                    + "p99 ≤ 20 ms |", median(rps), median(p99), joined(rps, p99)));
        }
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static double millis(String latency) {
        double value = Double.parseDouble(latency.replaceAll("[a-z]+$", ""));
        return latency.endsWith("us") ? value / 1000 : latency.endsWith("ms") ? value : value * 1000;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static String joined(double[] rps, double[] p99) {
        StringBuilder each = new StringBuilder();
        for (int i = 0; i < rps.length; i++) {
            each.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f/s p99 %.2f ms", rps[i], p99[i]));
        }
        return each.toString();
    }

    private static long job(JobRunner runner, JobRequest request) {
        return run(runner, KpiJobConfiguration.JOB_NAME, request).getId();
    }

    static JobExecution run(JobRunner runner, String jobName, JobRequest request) {
        try {
            JobExecution execution = runner.run(jobName, request);
            if (execution.getStatus() != BatchStatus.COMPLETED) {
                throw new IllegalStateException(jobName + " ended " + execution.getStatus() + ": "
                        + execution.getAllFailureExceptions().stream().map(Throwable::getMessage).toList());
            }
            return execution;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long[] time(int runs, LongSupplier work) {
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            work.getAsLong();
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private static String row(String what, long[] nanos, String target) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
        StringBuilder each = new StringBuilder();
        for (long n : nanos) {
            each.append(each.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", n / 1e9));
        }
        return String.format(Locale.ROOT, "| %s | %.3f s | %s | %s |", what, median / 1e9, each, target);
    }

    /** The 1-minute load average from /proc/loadavg, or "unknown". */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (Exception ignored) {
            // not Linux: keep the generic name
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 0;
        return String.format(Locale.ROOT, "%d cores (%s), %.0f GiB RAM, %s %s, Java %s", os.getAvailableProcessors(),
                cpu, memory / 1073741824.0, System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.version"));
    }
}
