package io.execkpi.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import io.execkpi.support.AppTestBase;
import io.execkpi.support.Browser;
import io.execkpi.support.Poison;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import tools.jackson.databind.JsonNode;

/**
 * Every dashboard page in headless Chromium against the running application: it loads without a console error or
 * a failed request, requests nothing outside the app, its charts hold exactly the API's numbers, the date range
 * lives in the URL, the CSV download equals the API rows, an operator restarts a failed execution with the token
 * and cannot without it. Each page is captured into {@link Browser#SCREENSHOTS} (under {@code target/}; the README's
 * are regenerated from them).
 */
class DashboardBrowserTest extends AppTestBase {

    private static Browser browser;

    @Autowired
    JdbcTemplate store;
    @Autowired
    io.execkpi.abtest.ExperimentSettings settings;

    @BeforeAll
    static void openBrowser() {
        browser = Browser.open();
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void noConsoleErrors() {
        assertThat(browser.severeConsoleMessages()).as("console errors or failed requests").isEmpty();
        String base = "http://127.0.0.1:" + port + "/";
        assertThat(browser.resourceUrls()).as("every request stays inside the app").allMatch(u -> u.startsWith(base));
    }

    private void open(String path) {
        browser.driver().get("http://127.0.0.1:" + port + path);
        browser.awaitCharts();
    }

    private JsonNode api(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static List<Double> numbers(JsonNode rows, String column) {
        List<Double> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.get(column).isNull() ? null : r.get(column).asDouble()));
        return out;
    }

    private static List<Double> doubles(List<Object> chartData) {
        return chartData.stream().map(v -> v == null ? null : ((Number) v).doubleValue()).toList();
    }

    @Test
    void overviewTilesShowTheApiNumbers() throws Exception {
        open("/");
        // the default period is the 30 days up to the latest materialized date: the API's default range
        JsonNode rows = api("/api/kpis/revenue_daily").get("rows");
        assertThat(rows.size()).isEqualTo(30);
        assertThat(doubles(browser.seriesData("spark-0", 0))).isEqualTo(numbers(rows, "revenue"));
        assertThat(doubles(browser.seriesData("spark-1", 0))).isEqualTo(numbers(rows, "orders"));
        double total = 0;
        long orders = 0;
        for (JsonNode r : rows) {
            total += r.get("revenue").asDouble();
            orders += r.get("orders").asLong();
        }
        String tile = browser.driver().findElement(By.id("tile-0")).getText();
        assertThat(tile).contains(String.format(java.util.Locale.US, "$%,.2f", total));
        assertThat(browser.driver().findElement(By.id("tile-1")).getText())
                .contains(String.format(java.util.Locale.US, "%,d", orders));
        assertThat(browser.driver().findElement(By.id("as-of")).getText()).contains("UTC");
        // the store holds the 40 backfilled days only (AppTestBase): nothing a year earlier, and the tile says why
        LocalDate first = LocalDate.parse(rows.get(0).get("date").asString());
        LocalDate last = LocalDate.parse(rows.get(rows.size() - 1).get("date").asString());
        assertThat(api("/api/kpis/revenue_daily?from=" + first.minusYears(1) + "&to=" + last.minusYears(1))
                .get("rows").size()).isZero();
        assertThat(tile).contains("not materialized a year earlier (start-up backfills 40 days)")
                .doesNotContain("no data a year earlier");
        browser.screenshot("overview", 1280);
        browser.screenshot("overview-phone", 390);
        // 365 days: the previous period is the year-earlier one, named once
        open("/?days=365");
        String period = browser.driver().findElement(By.cssSelector("p.period")).getText();
        String previousRange = last.minusDays(729) + " – " + last.minusDays(365);
        assertThat(period.split(java.util.regex.Pattern.quote(previousRange), -1)).as(period).hasSize(2);
        assertThat(browser.driver().findElement(By.id("tile-0")).getText()).doesNotContain("vs a year earlier")
                .doesNotContain("a year earlier (");
    }

    @Test
    void kpiPageChartsTableAndCsvFollowTheRangeInTheUrl() throws Exception {
        open("/kpis/revenue_daily?days=30");
        JsonNode page30 = api("/api/kpis/revenue_daily");
        assertThat(doubles(browser.seriesData("chart-revenue", 0))).isEqualTo(numbers(page30.get("rows"), "revenue"));
        assertThat(doubles(browser.seriesData("chart-aov", 0))).isEqualTo(numbers(page30.get("rows"), "aov"));
        assertThat(browser.driver().findElements(By.cssSelector("#kpi-rows tbody tr"))).hasSize(30);
        browser.screenshot("kpi-revenue_daily", 1280);

        // a preset changes the URL and the data
        browser.clickAndAwaitPage(browser.driver().findElement(By.linkText("7 days")));
        assertThat(browser.driver().getCurrentUrl()).endsWith("/kpis/revenue_daily?days=7");
        assertThat(browser.seriesData("chart-revenue", 0)).hasSize(7);

        // a custom range through the form: the URL states it and reproduces the view
        LocalDate to = LocalDate.parse(page30.get("to").asString()).minusDays(3);
        LocalDate from = to.minusDays(9);
        setDate("from", from);
        setDate("to", to);
        browser.clickAndAwaitPage(browser.driver().findElement(By.cssSelector("form.range button[type=submit]")));
        assertThat(browser.driver().getCurrentUrl()).contains("from=" + from).contains("to=" + to);
        JsonNode custom = api("/api/kpis/revenue_daily?from=" + from + "&to=" + to);
        assertThat(doubles(browser.seriesData("chart-orders", 0))).isEqualTo(numbers(custom.get("rows"), "orders"));
        assertThat(browser.driver().findElements(By.cssSelector("#kpi-rows tbody tr"))).hasSize(10);

        // the CSV link downloads exactly the rows shown
        String href = browser.driver().findElement(By.id("csv-link")).getAttribute("href");
        HttpResponse<String> csv = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(href)).GET());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("date,orders,items,revenue,aov");
        assertThat(lines).hasSize(11);
        for (int i = 0; i < 10; i++) {
            JsonNode row = custom.get("rows").get(i);
            String[] f = lines[i + 1].split(",", -1);
            assertThat(f[0]).isEqualTo(row.get("date").asString());
            assertThat(Long.parseLong(f[1])).isEqualTo(row.get("orders").asLong());
            assertThat(Long.parseLong(f[2])).isEqualTo(row.get("items").asLong());
            assertThat(Double.parseDouble(f[3])).isEqualTo(row.get("revenue").asDouble());
            assertThat(f[4].isEmpty() ? null : Double.valueOf(f[4]))
                    .isEqualTo(row.get("aov").isNull() ? null : row.get("aov").asDouble());
        }
        // the KPI's definition and SQL are shown
        assertThat(browser.driver().findElement(By.id("definition")).getText()).contains("Distinct completed orders");
        assertThat((String) browser.js("return document.getElementById('kpi-sql').textContent;")).contains("SELECT");
    }

    private void setDate(String name, LocalDate value) {
        WebElement input = browser.driver().findElement(By.cssSelector("form.range input[name=" + name + "]"));
        browser.js("arguments[0].value = arguments[1];", input, value.toString());
    }

    @Test
    void theOverviewFilteredOnACountryShowsThatCountrysNumbers() throws Exception {
        open("/");
        // the selector lists the period's countries, largest revenue first; choosing one reloads the page with it
        Select countries = new Select(browser.driver().findElement(By.name("country")));
        String country = countries.getOptions().get(1).getAttribute("value");
        JsonNode summary = api("/api/kpis/revenue_daily/summary?country="
                + java.net.URLEncoder.encode(country, java.nio.charset.StandardCharsets.UTF_8)).get("rows").get(0);
        String before = browser.driver().getCurrentUrl();
        countries.selectByValue(country);
        for (int i = 0; i < 50 && browser.driver().getCurrentUrl().equals(before); i++) {
            Browser.sleep(100);
        }
        browser.awaitCharts();
        assertThat(browser.driver().getCurrentUrl()).contains("country=");
        assertThat(browser.driver().findElement(By.id("overview-filter")).getText()).contains("country = " + country);
        assertThat(browser.driver().findElement(By.id("tile-0")).getText())
                .contains(String.format(java.util.Locale.US, "$%,.2f", summary.get("revenue").asDouble()));
        assertThat(browser.driver().findElement(By.id("tile-1")).getText())
                .contains(String.format(java.util.Locale.US, "%,d", summary.get("orders").asLong()));
        assertThat(browser.driver().findElement(By.id("tile-2")).getText())
                .contains(String.format(java.util.Locale.US, "$%,.2f", summary.get("aov").asDouble()));
        // the sparkline: the country's revenue on each of the period's 30 days, 0 on a day without its orders
        List<Double> spark = doubles(browser.seriesData("spark-0", 0));
        assertThat(spark).hasSize(30).doesNotContainNull();
        assertThat(spark.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(summary.get("revenue").asDouble(),
                org.assertj.core.api.Assertions.within(1e-6));
        // the funnel has no breakdown: its tile says so instead of showing the unfiltered number
        assertThat(browser.driver().findElement(By.id("tile-3")).getText())
                .contains("Not available by country: funnel_daily has no breakdown by it");
        // a tile's KPI link carries the filter to the KPI page's breakdown
        assertThat(browser.driver().findElement(By.cssSelector("#tile-0 .lineage a")).getAttribute("href"))
                .contains("country=");
        browser.screenshot("overview-filtered", 1280);
        assertThat(browser.driver().findElement(By.id("overview-filter")).getText()).doesNotContain("No slice");
        // a country the period has no sale of: zeros, and the banner says why
        open("/?country=Atlantis");
        assertThat(browser.driver().findElement(By.id("overview-filter")).getText())
                .contains("No slice of this value in the period");
        assertThat(browser.driver().findElement(By.id("tile-0")).getText()).contains("$0.00");
    }

    @Test
    void theRevenuePageDrawsItsBreakdownAsTheApiSummarizesIt() throws Exception {
        String range = "from=" + YESTERDAY.minusDays(29) + "&to=" + YESTERDAY;
        open("/kpis/revenue_daily?" + range + "&by=category");
        JsonNode summary = api("/api/kpis/revenue_daily/summary?" + range + "&by=category").get("rows");
        List<JsonNode> ranked = new java.util.ArrayList<>();
        summary.forEach(ranked::add);
        ranked.sort(java.util.Comparator.comparingDouble((JsonNode r) -> -r.get("revenue").asDouble())
                .thenComparing(r -> r.get("category").asString()));
        List<String> categories = browser.js("return echarts.getInstanceByDom(document.getElementById("
                + "'breakdown-bars')).getOption().yAxis[0].data;");
        List<Object> bars = browser.seriesData("breakdown-bars", 0);
        assertThat(categories).containsExactlyElementsOf(ranked.stream().map(r -> r.get("category").asString())
                .toList());
        for (int i = 0; i < ranked.size(); i++) {
            assertThat(((Number) bars.get(i)).doubleValue()).as(categories.get(i))
                    .isEqualTo(ranked.get(i).get("revenue").asDouble());
        }
        // the table: one row per category, largest revenue first
        List<WebElement> rows = browser.driver().findElements(By.cssSelector("#breakdown-table tbody tr"));
        assertThat(rows).hasSize(ranked.size());
        assertThat(rows.get(0).findElement(By.tagName("th")).getText()).isEqualTo(categories.get(0));
        // the daily lines: the five largest categories and the rest as "all others", adding up to the daily totals
        List<String> lines = browser.js("return echarts.getInstanceByDom(document.getElementById("
                + "'breakdown-lines')).getOption().series.map(s => s.name);");
        assertThat(lines).startsWith(categories.subList(0, 5).toArray(String[]::new)).endsWith("all others");
        browser.screenshot("kpi-revenue_daily-breakdown", 1280, "breakdown");

        // a value's link filters the page: Jeans by country, the bars adding up to Jeans' revenue
        String top = categories.get(0);
        browser.clickAndAwaitPage(rows.get(0).findElement(By.tagName("a")));
        browser.awaitCharts();
        assertThat(browser.driver().findElement(By.id("breakdown-filter")).getText()).contains("category = " + top);
        List<Object> byCountry = browser.seriesData("breakdown-bars", 0);
        assertThat(byCountry.stream().mapToDouble(v -> ((Number) v).doubleValue()).sum()).isCloseTo(
                ranked.get(0).get("revenue").asDouble(), org.assertj.core.api.Assertions.within(1e-6));
    }

    @Test
    void funnelAndCohortPagesDrawTheirSpecialCharts() throws Exception {
        open("/kpis/funnel_daily?days=30");
        JsonNode funnel = api("/api/kpis/funnel_daily").get("rows");
        List<Object> stages = browser.js("return echarts.getInstanceByDom(document.getElementById('funnel-chart'))"
                + ".getOption().series[0].data.map(d => d.value);");
        String[] names = {"home", "department", "product", "cart", "purchase"};
        for (int i = 0; i < names.length; i++) {
            long sum = 0;
            for (JsonNode r : funnel) {
                sum += r.get(names[i] + "_sessions").asLong();
            }
            assertThat(((Number) stages.get(i)).longValue()).as(names[i]).isEqualTo(sum);
        }
        browser.screenshot("kpi-funnel_daily", 1280);

        open("/kpis/retention_weekly?days=90");
        JsonNode retention = api("/api/kpis/retention_weekly?from=" + browser.driver().findElement(
                By.cssSelector("form.range input[name=from]")).getAttribute("value") + "&to="
                + browser.driver().findElement(By.cssSelector("form.range input[name=to]")).getAttribute("value"));
        List<Object> cells = browser.seriesData("cohort-chart", 0);
        // a cell per row with a rate; positions without one stay blank
        int withRate = 0;
        for (JsonNode r : retention.get("rows")) {
            withRate += r.get("retention_rate").isNull() ? 0 : 1;
        }
        assertThat(cells).hasSize(withRate);
        double rateSum = 0;
        for (JsonNode r : retention.get("rows")) {
            rateSum += r.get("retention_rate").isNull() ? 0 : r.get("retention_rate").asDouble();
        }
        double cellSum = cells.stream().mapToDouble(c -> ((Number) ((List<?>) c).get(2)).doubleValue()).sum();
        assertThat(cellSum).isCloseTo(rateSum, org.assertj.core.data.Offset.offset(1e-9));
        // the catalog charts week-1, week-4 and week-12 retention per cohort: the week-1 line is the API's rows of week 1
        List<String> cohortX = browser.js("return echarts.getInstanceByDom(document.getElementById("
                + "'chart-retention_rate')).getOption().xAxis[0].data;");
        List<Double> week1 = new ArrayList<>();
        for (String cohort : cohortX) {
            Double rate = null;
            for (JsonNode r : retention.get("rows")) {
                if (r.get("cohort_week").asString().equals(cohort) && r.get("week_n").asInt() == 1) {
                    rate = r.get("retention_rate").asDouble();
                }
            }
            week1.add(rate);
        }
        assertThat(cohortX).isNotEmpty();
        // the catalog's lines that have a row in the range are drawn; the others are named as not drawn
        List<String> drawn = new ArrayList<>();
        List<String> notDrawn = new ArrayList<>();
        for (int week : new int[] {1, 4, 12}) {
            boolean any = false;
            for (JsonNode r : retention.get("rows")) {
                any |= r.get("week_n").asInt() == week && !r.get("retention_rate").isNull();
            }
            (any ? drawn : notDrawn).add("week_n " + week);
        }
        assertThat(drawn).contains("week_n 1");
        assertThat(seriesNames("chart-retention_rate")).isEqualTo(drawn);
        if (notDrawn.isEmpty()) {
            assertThat(browser.driver().findElements(By.cssSelector(".without-data"))).isEmpty();
        } else {
            assertThat(browser.driver().findElement(By.cssSelector(".without-data")).getText())
                    .contains(String.join(", ", notDrawn)).contains("no cohort old enough");
        }
        // a share: the y axis in percent, the table's rates in percent with one decimal
        List<String> axisLabels = browser.js("var o = echarts.getInstanceByDom(document.getElementById("
                + "'chart-retention_rate')).getOption(); return [0, 0.25, 1].map(v => o.yAxis[0].axisLabel.formatter(v));");
        assertThat(axisLabels).containsExactly("0 %", "25 %", "100 %");
        List<String> headers = browser.driver().findElements(By.cssSelector("#kpi-rows thead th")).stream()
                .map(e -> e.getText()).toList();
        List<org.openqa.selenium.WebElement> tableRows = browser.driver().findElements(By.cssSelector("#kpi-rows tbody tr"));
        for (org.openqa.selenium.WebElement row : tableRows.subList(0, Math.min(5, tableRows.size()))) {
            List<String> texts = row.findElements(By.tagName("td")).stream().map(e -> e.getText()).toList();
            JsonNode match = null;
            for (JsonNode r : retention.get("rows")) {
                if (r.get("cohort_week").asString().equals(texts.get(headers.indexOf("cohort_week")))
                        && r.get("week_n").asString().equals(texts.get(headers.indexOf("week_n")))) {
                    match = r;
                }
            }
            assertThat(match).as(texts.toString()).isNotNull();
            assertThat(texts.get(headers.indexOf("retention_rate"))).isEqualTo(String.format(java.util.Locale.US,
                    "%.1f %%", 100 * match.get("active_users").asDouble() / match.get("cohort_users").asDouble()));
        }
        assertThat(doubles(browser.seriesData("chart-retention_rate", 0))).isEqualTo(week1);
        assertThat(browser.driver().findElements(By.id("chart-cohort_users"))).as("not charted").isEmpty();
        browser.screenshot("kpi-retention_weekly", 1280);
        browser.screenshot("kpi-retention_weekly-phone", 390);
    }

    private List<String> seriesNames(String id) {
        return browser.js("return echarts.getInstanceByDom(document.getElementById(arguments[0])).getOption()"
                + ".series.map(s => s.name);", id);
    }

    @Test
    void abSegmentsChartsTheUsersOfEachTrafficSourceSummedOverTheArms() throws Exception {
        open("/kpis/ab_segments?days=30");
        String from = browser.driver().findElement(By.cssSelector("form.range input[name=from]")).getAttribute("value");
        String to = browser.driver().findElement(By.cssSelector("form.range input[name=to]")).getAttribute("value");
        JsonNode rows = api("/api/kpis/ab_segments?from=" + from + "&to=" + to).get("rows");
        java.util.Set<String> experiments = new java.util.TreeSet<>();
        rows.forEach(r -> experiments.add(r.get("experiment_id").asString()));
        assertThat(experiments).isNotEmpty();
        for (String experiment : experiments) {
            String id = "chart-" + experiment + "-users";
            List<String> x = browser.js("return echarts.getInstanceByDom(document.getElementById(arguments[0]))"
                    + ".getOption().xAxis[0].data;", id);
            List<String> sources = seriesNames(id);
            java.util.Set<String> expectedSources = new java.util.TreeSet<>();
            rows.forEach(r -> {
                if (r.get("experiment_id").asString().equals(experiment)
                        && r.get("segment").asString().equals("traffic_source")) {
                    expectedSources.add(r.get("segment_value").asString());
                }
            });
            assertThat(sources).containsExactlyInAnyOrderElementsOf(expectedSources);
            for (int s = 0; s < sources.size(); s++) {
                // summed here over the API's rows: every arm of the traffic source on each date
                List<Double> expected = new ArrayList<>();
                for (String date : x) {
                    Double users = null;
                    for (JsonNode r : rows) {
                        if (r.get("experiment_id").asString().equals(experiment)
                                && r.get("segment").asString().equals("traffic_source")
                                && r.get("segment_value").asString().equals(sources.get(s))
                                && r.get("as_of_date").asString().equals(date)) {
                            users = (users == null ? 0 : users) + r.get("users").asDouble();
                        }
                    }
                    expected.add(users);
                }
                assertThat(doubles(browser.seriesData(id, s))).as(id + " " + sources.get(s)).isEqualTo(expected);
            }
        }
        assertThat(browser.driver().findElement(By.id("rows-note")).getText()).contains("of " + String.format(
                java.util.Locale.ROOT, "%,d", rows.size()));
        browser.screenshot("kpi-ab_segments", 1280);
    }

    @Test
    void abMetricsChartsEachExperimentsArmsAndPagesTheTableNewestFirst() throws Exception {
        open("/kpis/ab_metrics?days=90");
        String from = browser.driver().findElement(By.cssSelector("form.range input[name=from]")).getAttribute("value");
        String to = browser.driver().findElement(By.cssSelector("form.range input[name=to]")).getAttribute("value");
        JsonNode rows = api("/api/kpis/ab_metrics?from=" + from + "&to=" + to).get("rows");
        assertThat(rows.size()).as("more rows than one page").isGreaterThan(100);
        // per experiment one row of charts, a line per arm holding the API's users of that arm on each date
        java.util.Set<String> experiments = new java.util.TreeSet<>();
        rows.forEach(r -> experiments.add(r.get("experiment_id").asString()));
        for (String experiment : experiments) {
            String id = "chart-" + experiment + "-users";
            List<String> x = browser.js("return echarts.getInstanceByDom(document.getElementById(arguments[0]))"
                    + ".getOption().xAxis[0].data;", id);
            List<String> arms = seriesNames(id);
            assertThat(arms).isNotEmpty();
            for (int a = 0; a < arms.size(); a++) {
                List<Double> expected = new ArrayList<>();
                for (String date : x) {
                    Double users = null;
                    for (JsonNode r : rows) {
                        if (r.get("experiment_id").asString().equals(experiment)
                                && r.get("variant").asString().equals(arms.get(a))
                                && r.get("as_of_date").asString().equals(date)) {
                            users = r.get("users").asDouble();
                        }
                    }
                    expected.add(users);
                }
                assertThat(doubles(browser.seriesData(id, a))).as(id + " " + arms.get(a)).isEqualTo(expected);
            }
        }
        // the table: one page of 100 rows, newest first (rows of a date in the API's order), the CSV has every row
        List<JsonNode> newestFirst = new ArrayList<>();
        rows.forEach(newestFirst::add);
        newestFirst.sort(java.util.Comparator.comparing((JsonNode r) -> r.get("as_of_date").asString()).reversed());
        assertThat(browser.driver().findElements(By.cssSelector("#kpi-rows tbody tr"))).hasSize(100);
        assertThat(tableRow(0)).startsWith(newestFirst.get(0).get("as_of_date").asString(),
                newestFirst.get(0).get("experiment_id").asString(), newestFirst.get(0).get("variant").asString());
        assertThat(browser.driver().findElement(By.id("rows-note")).getText()).contains("of " + rows.size())
                .contains("every row of the range");
        browser.screenshot("kpi-ab_metrics", 1280);
        browser.screenshot("kpi-ab_metrics-phone", 390);
        browser.driver().findElement(By.cssSelector("#rows-pager a[rel=next]")).click();
        assertThat(browser.driver().getCurrentUrl()).contains("days=90").contains("page=2");
        assertThat(tableRow(0)).startsWith(newestFirst.get(100).get("as_of_date").asString(),
                newestFirst.get(100).get("experiment_id").asString(), newestFirst.get(100).get("variant").asString());
        String href = browser.driver().findElement(By.id("csv-link")).getAttribute("href");
        String[] csv = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(href)).GET()).body().split("\r\n");
        assertThat(csv).hasSize(rows.size() + 1);
    }

    private static List<String> tableRow(int index) {
        return browser.driver().findElements(By.cssSelector("#kpi-rows tbody tr")).get(index)
                .findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
    }

    @Test
    void experimentPagesShowResultsVerdictsAndHistory() throws Exception {
        open("/experiments");
        JsonNode list = api("/api/experiments");
        assertThat(browser.driver().findElements(By.cssSelector("#experiment-list tbody tr"))).hasSize(list.size());
        browser.screenshot("experiments", 1280);

        String key = list.get(0).get("experiment").asString();
        open("/experiments/" + key);
        JsonNode history = api("/api/experiments/" + key + "/history");
        JsonNode first = history.get("points");
        String arm = first.get(0).get("variant").asString();
        List<Double> lifts = new ArrayList<>();
        first.forEach(p -> {
            if (p.get("variant").asString().equals(arm)) {
                lifts.add(p.get("relLift").isNull() ? null : p.get("relLift").asDouble());
            }
        });
        assertThat(doubles(browser.seriesData("history-chart", 0))).isEqualTo(lifts);
        String text = browser.driver().findElement(By.id("main")).getText();
        assertThat(text).containsAnyOf("beats control on", "no significant difference on", "is worse than control",
                "sample ratio mismatch");
        browser.screenshot("experiment", 1280);

        // at 1280 px every results table fits its column: no column (chance to win, CUPED) is cut off, nor one of the
        // "By segment" tables (the country values: the most), and the lift chart's lowest value label stays above the
        // first date
        for (JsonNode e : list) {
            String id = e.get("experiment").asString();
            open("/experiments/" + id + (settings.forExperiment(id).segmentList().contains("country")
                    ? "?segment=country" : ""));
            List<Object> overflowing = browser.js("return Array.from(document.querySelectorAll("
                    + "'section.metric .scroll, #segments .scroll')).filter(s => s.scrollWidth > s.clientWidth + 1)"
                    + ".map(s => s.closest('section').id + ' ' + s.scrollWidth + ' > ' + s.clientWidth);");
            assertThat(overflowing).as(e.get("experiment").asString()).isEmpty();
            List<Object> overlaps = browser.js("var t = Array.from(document.querySelectorAll('#history-chart svg text'));"
                    + " var box = x => x.getBoundingClientRect();"
                    + " var dates = t.filter(x => /^\\d{4}-\\d\\d-\\d\\d$/.test(x.textContent.trim()));"
                    + " var values = t.filter(x => / %$/.test(x.textContent.trim()));"
                    + " var out = []; if (!dates.length || !values.length) { out.push('no labels'); }"
                    + " dates.forEach(d => values.forEach(v => { var a = box(d), b = box(v);"
                    + " if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {"
                    + " out.push(v.textContent + ' overlaps ' + d.textContent); } }));"
                    + " return out;");
            assertThat(overlaps).as(e.get("experiment").asString()).isEmpty();
        }

        // the planted sample-ratio mismatch supersedes every verdict
        open("/experiments/recs_srm");
        JsonNode srm = api("/api/experiments/recs_srm");
        if (srm.get("srm").get("mismatch").asBoolean()) {
            assertThat(browser.driver().findElement(By.id("srm-warning")).getText()).contains("Expected share");
            browser.screenshot("experiment-srm", 1280);
        } else {
            assertThat(browser.driver().findElements(By.id("srm-warning"))).isEmpty();
        }
    }

    @Test
    void modelPageShowsThePublishedRun() throws Exception {
        open("/ml");
        JsonNode shap = api("/api/ml/shap");
        List<Double> expected = new ArrayList<>();
        shap.get("features").forEach(f -> expected.add(f.get("meanAbsShap").asDouble()));
        assertThat(doubles(browser.seriesData("shap-chart", 0))).isEqualTo(expected);
        // 22 px per feature bar plus 56 for the margins (at least 220), the test users with a thousands separator
        assertThat(browser.driver().findElement(By.id("shap-chart")).getSize().getHeight())
                .isEqualTo(Math.max(220, 22 * expected.size() + 56));
        assertThat(browser.driver().findElement(By.id("shap-h")).findElement(By.xpath("following-sibling::p"))
                .getText()).contains("over " + String.format(java.util.Locale.US, "%,d", shap.get("rows").asLong())
                + " test users");
        Number aucMax = browser.js("return echarts.getInstanceByDom(document.getElementById('runs-chart'))"
                + ".getModel().getComponent('yAxis', 0).axis.scale.getExtent()[1];");
        assertThat(aucMax.doubleValue()).isEqualTo(1.0);
        JsonNode latest = api("/api/ml/latest");
        List<Object> calibration = browser.seriesData("calibration-chart", 0);
        long nonEmpty = 0;
        for (JsonNode b : latest.get("calibration")) {
            nonEmpty += b.get("count").asLong() > 0 ? 1 : 0;
        }
        assertThat(calibration).hasSize((int) nonEmpty);
        String confusion = browser.driver().findElement(By.id("confusion")).getText();
        assertThat(confusion).contains(String.format(java.util.Locale.US, "%,d", latest.get("truePositives").asLong()));
        JsonNode deciles = api("/api/ml/deciles");
        assertThat(browser.seriesData("decile-chart", 0)).hasSize(deciles.get("deciles").size());
        assertThat(browser.driver().findElement(By.id("model-card")).getText()).contains("Model card");
        browser.screenshot("model", 1280);
    }

    @Test
    void anOperatorRestartsAFailedExecutionFromTheJobsPage() throws Exception {
        LocalDate poisoned = YESTERDAY.minusDays(7);
        long failedId;
        Poison.add(store, "page_poison", "kpi_funnel_daily", "date", poisoned);
        try {
            HttpResponse<String> launched = postAsOperator("/api/jobs/kpiJob/executions",
                    "{\"date\":\"" + poisoned + "\",\"rerun\":true}");
            assertThat(launched.statusCode()).isEqualTo(202);
            failedId = json.readTree(launched.body()).get("id").asLong();
            awaitStatus(failedId, "FAILED");
        } finally {
            Poison.remove(store, "page_poison", "kpi_funnel_daily");
        }

        open("/jobs?job=kpiJob&status=FAILED");
        assertThat(browser.driver().getCurrentUrl()).contains("status=FAILED");
        WebElement restart = browser.driver().findElement(By.cssSelector(
                "button[data-action=restart][data-id='" + failedId + "']"));
        assertThat(restart.isEnabled()).as("without a token the action is impossible").isFalse();
        browser.screenshot("jobs", 1280);

        browser.driver().findElement(By.id("token-input")).sendKeys(TOKEN);
        browser.driver().findElement(By.id("token-save")).click();
        assertThat(restart.isEnabled()).isTrue();
        assertThat((String) browser.js("return document.cookie;")).isEmpty();
        restart.click();
        // the page moves to the new execution and refreshes until it has ended
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"COMPLETED".equals(textOf("exec-status"))) {
            assertThat(System.nanoTime()).as("restarted execution completes").isLessThan(deadline);
            Browser.sleep(300);
        }
        String url = browser.driver().getCurrentUrl();
        long restartedId = Long.parseLong(url.substring(url.lastIndexOf('/') + 1));
        assertThat(restartedId).isGreaterThan(failedId);
        assertThat(api("/api/jobs/executions/" + restartedId).get("instanceId").asLong())
                .isEqualTo(api("/api/jobs/executions/" + failedId).get("instanceId").asLong());
        browser.awaitCharts();
        browser.screenshot("job-execution", 1280);

        // forgetting the token disables the actions again
        browser.driver().findElement(By.id("token-forget")).click();
        assertThat((Object) browser.js("return sessionStorage.getItem('execkpi.token');")).isNull();
    }

    /** The text of an element, or null while the page is being replaced (it reloads itself while a job runs). */
    private static String textOf(String id) {
        try {
            return browser.driver().findElement(By.id(id)).getText();
        } catch (org.openqa.selenium.StaleElementReferenceException | org.openqa.selenium.NoSuchElementException e) {
            return null;
        }
    }

    private void awaitStatus(long id, String status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!api("/api/jobs/executions/" + id).get("status").asString().equals(status)) {
            assertThat(System.nanoTime()).as("execution " + id + " reaches " + status).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void badInputGivesAFriendlyErrorPageWithTheRightStatus() throws Exception {
        String[][] cases = {
                {"/kpis/no_such_kpi", "404", "no_such_kpi"},
                {"/kpis/revenue_daily?from=yesterday", "400", "from"},
                {"/kpis/revenue_daily?from=2026-02-10&to=2026-01-01", "400", "after"},
                {"/kpis/revenue_daily?days=12", "400", "days"},
                {"/experiments/no_such_experiment", "404", "no_such_experiment"},
                {"/jobs/executions/999999999", "404", "999999999"},
                {"/jobs/executions/abc", "400", "abc"},
                {"/jobs?status=EXPLODED", "400", "status"},
        };
        for (String[] c : cases) {
            HttpResponse<String> response = get(c[0]);
            assertThat(response.statusCode()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(response.headers().firstValue("Content-Type").orElse("")).as(c[0]).startsWith("text/html");
            assertThat(response.body()).as(c[0]).contains(c[2]).doesNotContain("Exception").doesNotContain("\tat ");
        }
        browser.driver().get("http://127.0.0.1:" + port + "/kpis/no_such_kpi");
        assertThat(browser.driver().findElement(By.id("error-message")).getText()).contains("no_such_kpi");
        browser.screenshot("error", 1280);
        browser.severeConsoleMessages(); // the 404 of the page itself is expected here
    }
}
