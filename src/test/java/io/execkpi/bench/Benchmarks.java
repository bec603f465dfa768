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
import java.util.function.LongSupplier;

import io.execkpi.ExecKpiApplication;
import io.execkpi.abtest.stats.AbStatsBenchmark;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.thelook.GenerationSummary;
import io.execkpi.thelook.TheLookGenerator;
import io.execkpi.thelook.TheLookSettings;

import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Writes BENCHMARKS.md: generation of the embedded warehouse at scale 1.0, the full KPI backfill over its whole
 * history, one nightly day, the A/B statistics of 10,000 experiments, and the peak heap of this JVM (run with
 * -Xmx1g by the {@code benchmark} Maven profile). Medians of several runs; nothing here asserts on time.
 */
public final class Benchmarks {

    static final long SEED = 20240101L;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        // heap in use, sampled every 50 ms over the whole run (the sum of the pools' own peaks overstates it)
        java.util.concurrent.atomic.AtomicLong peakHeap = new java.util.concurrent.atomic.AtomicLong();
        Thread sampler = new Thread(() -> {
            var memory = ManagementFactory.getMemoryMXBean();
            while (true) {
                peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
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

        // 1. generation at scale 1.0 into a fresh DuckDB file each run
        long[] generation = new long[runs];
        GenerationSummary summary = null;
        Path warehouseDir = null;
        for (int i = 0; i < runs; i++) {
            warehouseDir = Files.createDirectories(root.resolve("run-" + i));
            DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:duckdb:"
                    + warehouseDir.resolve("warehouse.duckdb").toAbsolutePath());
            long t0 = System.nanoTime();
            summary = new TheLookGenerator(new TheLookSettings(SEED, 1.0, start)).generateThrough(ds, yesterday);
            generation[i] = System.nanoTime() - t0;
            System.out.printf("generation run %d: %.1f s%n", i + 1, generation[i] / 1e9);
        }
        rows.add(row("Generate the embedded warehouse, scale 1.0, " + summary.days() + " days (" + summary.users()
                + " users, " + summary.orders() + " orders, " + summary.orderItems() + " items, " + summary.events()
                + " events)", generation, "≤ 10 s (issue 12)"));

        // 2. jobs on the last generated warehouse, through the real application (no web server)
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE)
                .run("--execkpi.data-dir=" + warehouseDir.toAbsolutePath(), "--execkpi.bootstrap.enabled=false",
                        "--execkpi.thelook.generate=false", "--logging.level.root=WARN")) {
            JobRunner runner = context.getBean(JobRunner.class);
            LocalDate first = start;
            long[] backfill = time(runs, () -> job(runner, new JobRequest(yesterday, first, true)));
            rows.add(row("kpiJob full backfill " + first + ".." + yesterday + " (4 KPIs, "
                    + (yesterday.toEpochDay() - first.toEpochDay() + 1) + " business dates)", backfill, "≤ 3 s (issue 12)"));
            long[] nightly = time(Math.max(runs, 5), () -> job(runner, new JobRequest(yesterday, null, true)));
            rows.add(row("kpiJob one nightly day (date " + yesterday + " with its 2-day lookback)", nightly, "≤ 0.5 s (issue 12)"));
            if (runner.knows("mlJob")) {
                List<String> steps = new ArrayList<>();
                long[] ml = time(runs, () -> {
                    JobExecution e = run(runner, "mlJob", new JobRequest(yesterday, null, true));
                    steps.add(e.getStepExecutions().stream().sorted(java.util.Comparator.comparing(
                                    org.springframework.batch.core.step.StepExecution::getId))
                            .map(st -> st.getStepName() + " " + String.format(Locale.ROOT, "%.1f",
                                    java.time.Duration.between(st.getStartTime(), st.getEndTime()).toMillis() / 1e3))
                            .reduce((a, b) -> a + ", " + b).orElse(""));
                    return e.getId();
                });
                rows.add(row("mlJob end to end, scale 1.0 (last run's steps in s: " + steps.getLast() + ")", ml,
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

        long maxHeap = Runtime.getRuntime().maxMemory();

        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n")
                .append("Produced by `./mvnw -Pbenchmark -DskipTests verify` (class `io.execkpi.bench.Benchmarks`, "
                        + "one JVM with `-Xmx1g`). Times are medians of the runs listed; nothing is cached between runs "
                        + "of a row except the JVM's warm code.\n\n")
                .append("Machine: ").append(machine()).append("  \n")
                .append("Load average (1 min) at the start and the end: ").append(loadAtStart).append(", ")
                .append(loadAverage()).append(" (other processes share the cores: more than 2 means the times above "
                        + "include waiting for a core)  \n")
                .append("Date: ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n")
                .append("| what | median | runs (s) | target |\n|---|---|---|---|\n");
        rows.forEach(r -> md.append(r).append('\n'));
        md.append(String.format(Locale.ROOT, "%nPeak heap in use (sampled every 50 ms) over the whole benchmark JVM, which "
                + "runs everything above with -Xmx1g: %.0f MiB of %.0f MiB (target ≤ 1 GiB).%n",
                peakHeap.get() / 1048576.0, maxHeap / 1048576.0));
        Files.writeString(out, md.toString());
        System.out.println(md);
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
                throw new IllegalStateException(jobName + " ended " + execution.getStatus());
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
