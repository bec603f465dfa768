package io.execkpi.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import io.execkpi.ExecKpiApplication;
import io.execkpi.abtest.AbJobConfiguration;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.thelook.TheLookGenerator;
import io.execkpi.thelook.TheLookSettings;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Dashboard rows of BENCHMARKS.md, against the real web server on loopback over a warehouse whose KPIs, experiments
 * and model are materialized: the time to answer each page for a 365-day range (p95 of sequential requests after a
 * warm-up, measured by the client, so it bounds the server time from above), and the bytes a first visit to the
 * overview transfers with gzip (the page and every script and stylesheet it references).
 */
final class DashboardBenchmark {

    private static final int WARM_UP = 30;
    private static final int REQUESTS = 100;
    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/(?:webjars|css|js)/[^\"]+)\"");

    private DashboardBenchmark() {
    }

    /**
     * The dashboard rows alone: {@code DashboardBenchmark <data-dir> <last business date> [runs, default 3]}; prints
     * the rows (system property {@code execkpi.bench.page}: only the pages whose path contains it). A data
     * folder that a full benchmark run (or the app) materialized is used as it is; an empty or missing one is first
     * filled like the full benchmark does (scale 1.0, three years up to the date, seed 20240101, the KPI backfill
     * over the whole history and mlJob), which takes a few minutes.
     */
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        LocalDate yesterday = LocalDate.parse(args[1]);
        if (!Files.exists(dataDir.resolve(WAREHOUSE))) {
            prepare(dataDir, yesterday);
        }
        run(dataDir, yesterday, args.length > 2 ? Integer.parseInt(args[2]) : 3).forEach(System.out::println);
    }

    static final String WAREHOUSE = "warehouse.duckdb";

    /** Generates the scale-1.0 warehouse into {@code dataDir} and materializes every KPI of its history and a model. */
    static void prepare(Path dataDir, LocalDate yesterday) throws Exception {
        Files.createDirectories(dataDir);
        LocalDate start = yesterday.minusYears(3).plusDays(1);
        new TheLookGenerator(new TheLookSettings(Benchmarks.SEED, 1.0, start)).generateThrough(
                new DriverManagerDataSource("jdbc:duckdb:" + dataDir.resolve(WAREHOUSE).toAbsolutePath()), yesterday);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE)
                .run("--execkpi.data-dir=" + dataDir.toAbsolutePath(), "--execkpi.bootstrap.enabled=false",
                        "--execkpi.thelook.generate=false", "--logging.level.root=WARN")) {
            JobRunner runner = context.getBean(JobRunner.class);
            Benchmarks.run(runner, KpiJobConfiguration.JOB_NAME, new JobRequest(yesterday, start, true));
            if (runner.knows("mlJob")) {
                Benchmarks.run(runner, "mlJob", new JobRequest(yesterday, null, true));
            }
        }
    }

    /**
     * @param runs how many times each page is measured (warm-up and requests); the rows give the medians
     * @return the two BENCHMARKS.md rows: page times and the overview's first-load transfer
     */
    static List<String> run(Path dataDir, LocalDate yesterday, int runs) throws Exception {
        try (ConfigurableApplicationContext web = new SpringApplicationBuilder(ExecKpiApplication.class)
                .run("--execkpi.data-dir=" + dataDir.toAbsolutePath(), "--execkpi.bootstrap.enabled=false",
                        "--execkpi.thelook.generate=false", "--execkpi.schedule.nightly=-", "--server.port=0",
                        "--logging.level.root=WARN")) {
            // the experiment pages read stored evaluations: evaluate every experiment as of the date first
            Benchmarks.run(web.getBean(JobRunner.class), AbJobConfiguration.JOB_NAME,
                    new JobRequest(yesterday, null, true));
            String base = "http://127.0.0.1:" + web.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            String range = "from=" + yesterday.minusDays(364) + "&to=" + yesterday;
            String experiment = firstExperiment(http, base);
            List<String> pages = new ArrayList<>(List.of("/?" + range, "/kpis/revenue_daily?" + range,
                    "/kpis/funnel_daily?" + range, "/kpis/retention_weekly?" + range, "/kpis/ab_metrics?" + range,
                    "/kpis/ab_segments?" + range,
                    "/experiments", "/ml", "/jobs"));
            if (experiment != null) {
                pages.add("/experiments/" + experiment);
            }
            List<String> rows = new ArrayList<>();
            StringBuilder each = new StringBuilder();
            double worst = 0;
            String only = System.getProperty("execkpi.bench.page");
            for (String page : pages) {
                if (only != null && !page.contains(only)) {
                    continue;
                }
                double[] p95 = new double[runs];
                double[] cpu = new double[runs];
                for (int r = 0; r < runs; r++) {
                    long cpu0 = processCpuNanos();
                    p95[r] = p95Millis(http, base + page);
                    cpu[r] = (processCpuNanos() - cpu0) / 1e6 / (WARM_UP + REQUESTS);
                    System.out.printf("page %s run %d: p95 %.1f ms, CPU %.1f ms per request%n", page, r + 1, p95[r],
                            cpu[r]);
                }
                double p95Median = Benchmarks.median(p95);
                worst = Math.max(worst, p95Median);
                each.append(each.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f ms (CPU %.1f ms)",
                        page.replace("?" + range, ""), p95Median, Benchmarks.median(cpu)));
            }
            rows.add(String.format(Locale.ROOT, "| Dashboard pages, 365-day range: median over %d runs of the p95 of %d "
                    + "sequential requests after %d warm-up, client time on loopback, and in brackets the median CPU "
                    + "time of the whole JVM (server and client) per request, which waiting for a core does not "
                    + "inflate (each page: %s) | worst page %.1f ms | | ≤ 50 ms per page |", runs, REQUESTS, WARM_UP,
                    each, worst));
            long[] bytes = firstLoadBytes(http, base + "/");
            rows.add(String.format(Locale.ROOT, "| Overview first load with gzip: the page and its %d scripts and "
                    + "stylesheets | %.0f KiB compressed (%.0f KiB uncompressed) | | ≤ 1 MB compressed |", bytes[2],
                    bytes[0] / 1024.0, bytes[1] / 1024.0));
            return rows;
        }
    }

    /** CPU time of this JVM so far (every thread: the server's and the client's). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String firstExperiment(HttpClient http, String base) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + "/api/experiments")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"experiment\":\"([^\"]+)\"").matcher(body);
        return m.find() ? m.group(1) : null;
    }

    private static double p95Millis(HttpClient http, String url) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept-Encoding", "gzip").build();
        for (int i = 0; i < WARM_UP; i++) {
            check(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), url);
        }
        double[] millis = new double[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            long t0 = System.nanoTime();
            check(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), url);
            millis[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(millis);
        return millis[(int) Math.ceil(0.95 * REQUESTS) - 1];
    }

    /** {compressed bytes, uncompressed bytes, number of assets} of the page and every asset it references. */
    private static long[] firstLoadBytes(HttpClient http, String pageUrl) throws Exception {
        byte[] page = fetch(http, pageUrl);
        long compressed = page.length;
        String html = new String(gunzip(page));
        long plain = html.length();
        Matcher m = ASSET.matcher(html);
        long assets = 0;
        URI base = URI.create(pageUrl);
        while (m.find()) {
            byte[] asset = fetch(http, base.resolve(m.group(1)).toString());
            compressed += asset.length;
            plain += gunzip(asset).length;
            assets++;
        }
        return new long[] {compressed, plain, assets};
    }

    private static byte[] fetch(HttpClient http, String url) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
        check(response, url);
        if (!"gzip".equals(response.headers().firstValue("Content-Encoding").orElse(""))) {
            throw new IllegalStateException(url + " was not sent gzip-compressed");
        }
        return response.body();
    }

    private static byte[] gunzip(byte[] gzipped) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped));
             ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static void check(HttpResponse<?> response, String url) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
    }
}
