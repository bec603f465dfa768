package io.execkpi.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

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
     * The dashboard rows alone, on a data folder that a full benchmark run (or the app) materialized:
     * {@code DashboardBenchmark <data-dir> <last business date>}; prints the rows.
     */
    public static void main(String[] args) throws Exception {
        run(Path.of(args[0]), LocalDate.parse(args[1])).forEach(System.out::println);
    }

    static List<String> run(Path dataDir, LocalDate yesterday) throws Exception {
        try (ConfigurableApplicationContext web = new SpringApplicationBuilder(ExecKpiApplication.class)
                .run("--execkpi.data-dir=" + dataDir.toAbsolutePath(), "--execkpi.bootstrap.enabled=false",
                        "--execkpi.thelook.generate=false", "--execkpi.schedule.nightly=-", "--server.port=0",
                        "--logging.level.root=WARN")) {
            String base = "http://127.0.0.1:" + web.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            String range = "from=" + yesterday.minusDays(364) + "&to=" + yesterday;
            String experiment = firstExperiment(http, base);
            List<String> pages = new ArrayList<>(List.of("/?" + range, "/kpis/revenue_daily?" + range,
                    "/kpis/funnel_daily?" + range, "/kpis/retention_weekly?" + range, "/kpis/ab_metrics?" + range,
                    "/experiments", "/ml", "/jobs"));
            if (experiment != null) {
                pages.add("/experiments/" + experiment);
            }
            List<String> rows = new ArrayList<>();
            StringBuilder each = new StringBuilder();
            double worst = 0;
            for (String page : pages) {
                double p95 = p95Millis(http, base + page);
                worst = Math.max(worst, p95);
                each.append(each.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f ms",
                        page.replace("?" + range, ""), p95));
                System.out.printf("page %s: p95 %.1f ms%n", page, p95);
            }
            rows.add(String.format(Locale.ROOT, "| Dashboard pages, 365-day range, p95 of %d sequential requests after "
                    + "%d warm-up, client time on loopback (each page: %s) | worst page p95 %.1f ms | | ≤ 50 ms per "
                    + "page |", REQUESTS, WARM_UP, each, worst));
            long[] bytes = firstLoadBytes(http, base + "/");
            rows.add(String.format(Locale.ROOT, "| Overview first load with gzip: the page and its %d scripts and "
                    + "stylesheets | %.0f KiB compressed (%.0f KiB uncompressed) | | ≤ 1 MB compressed |", bytes[2],
                    bytes[0] / 1024.0, bytes[1] / 1024.0));
            return rows;
        }
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
