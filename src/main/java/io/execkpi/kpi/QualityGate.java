package io.execkpi.kpi;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.execkpi.alerts.Alert;
import io.execkpi.alerts.AlertOutbox;
import io.execkpi.kpi.KpiDefinition.Severity;
import io.execkpi.quality.AnomalyScore;
import io.execkpi.quality.QualityResult;
import io.execkpi.quality.QualityResultsRepository;
import io.execkpi.warehouse.Warehouse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The data-quality gates of a KPI materialization, as declared in its catalog entry (dbt's source freshness, tests
 * and anomaly checks for ExecKPI's own tables). Each check's result is stored per KPI and business date
 * ({@link QualityResultsRepository}) and counted in the metric {@code execkpi.quality.checks} (Prometheus:
 * {@code execkpi_quality_checks_total}, tags {@code kpi}, {@code kind}, {@code status}). A failed error-level check
 * throws {@link IllegalStateException} with one operator sentence, which fails the step: called before the rows are
 * written, in the step's transaction, it leaves the previously committed rows visible.
 */
@Component
public class QualityGate {

    private static final Logger log = LoggerFactory.getLogger(QualityGate.class);
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneOffset.UTC);
    private static final int MIN_HISTORY = 3;

    private final Warehouse warehouse;
    private final JdbcTemplate store;
    private final QualityResultsRepository results;
    private final MeterRegistry meters;
    private final AlertOutbox alerts;
    private final KpiCatalog catalog;

    /**
     * @param warehouse the warehouse whose sources are checked for freshness
     * @param store     the results store, read for the anomaly check's history
     * @param results   where results are stored
     * @param meters    where results are counted
     * @param alerts    where a failed check queues its alert ({@code source-stale}, {@code data-test-failed},
     *                  {@code anomaly}), in the transaction that stores the result
     */
    public QualityGate(Warehouse warehouse, JdbcTemplate store, QualityResultsRepository results, MeterRegistry meters,
                       AlertOutbox alerts, KpiCatalog catalog) {
        this.catalog = catalog;
        this.alerts = alerts;
        this.warehouse = warehouse;
        this.store = store;
        this.results = results;
        this.meters = meters;
    }

    /**
     * Source freshness: every source of the KPI must hold data through the end of {@code through} (UTC): its latest
     * timestamp, or its load watermark when the warehouse records one ({@link Warehouse#loadedThrough}), whichever is
     * later, must reach it within the source's lag.
     *
     * @param kpi            the KPI about to be materialized
     * @param through        the last business date of the slice
     * @param jobExecutionId the running job execution
     * @return the results recorded (one per source)
     * @throws IllegalStateException when a source lags beyond its error level, e.g. "source `events` has data only
     *                               through 2026-11-28 21:14 UTC, not through the end of 2026-11-29 …"
     */
    public List<QualityResult> checkSources(KpiDefinition kpi, LocalDate through, long jobExecutionId) {
        Instant needed = through.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant now = Instant.now();
        List<QualityResult> recorded = new ArrayList<>();
        for (KpiDefinition.Source source : kpi.sources()) {
            String check = "freshness(" + source.table() + ")";
            Optional<Instant> latest;
            try {
                latest = warehouse.latestTimestamp(source.table(), source.timestampColumn());
            } catch (UnsupportedOperationException e) {
                recorded.add(new QualityResult(kpi.name(), through, check, "freshness", QualityResult.WARN, null,
                        "source `" + source.table() + "` was not checked: " + e.getMessage(), jobExecutionId, now));
                continue;
            }
            // a load watermark (the embedded generator's: the day through which every table is loaded) counts as
            // data through the last second of that day, also when the day holds no row at all
            Optional<Instant> watermark = warehouse.loadedThrough(source.table())
                    .map(d -> d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(1));
            if (watermark.isPresent() && (latest.isEmpty() || watermark.get().isAfter(latest.get()))) {
                latest = watermark;
            }
            // the latest row stamped 23:59:59.x of the date counts as complete through the end of it
            long lag = latest.map(l -> Math.max(0, Duration.between(l, needed).toMinutes() - 1)).orElse(Long.MAX_VALUE);
            String status = status(lag, source.warnAfterMinutes(), source.errorAfterMinutes());
            String message = latest.isEmpty()
                    ? "source `" + source.table() + "` has no data"
                    : status.equals(QualityResult.PASS)
                    ? "source `" + source.table() + "` has data through " + MINUTE.format(latest.get()) + " UTC"
                    : "source `" + source.table() + "` has data only through " + MINUTE.format(latest.get())
                            + " UTC, not through the end of " + through + " (" + lag + " min late)";
            recorded.add(new QualityResult(kpi.name(), through, check, "freshness", status,
                    latest.isEmpty() ? null : (double) lag, message, jobExecutionId, now));
        }
        record(recorded);
        failOnErrors(kpi, recorded, "; it keeps its previous results until the data arrives");
        return recorded;
    }

    /**
     * The KPI's tests and anomaly check on the rows a materialization of business dates [from, to] is about to write.
     * A row is attributed to the business date of its partition, or to {@code to} when its partition is not a date of
     * the slice (retention cohorts).
     *
     * @param rows  the rows as the KPI's query returned them (column name to value)
     * @param runTo the last business date of the whole run (the slice's {@code to} or later): the anomaly check
     *              judges the slice's dates among the run's last {@link KpiDefinition.Anomaly#detectionPeriodDays()}
     * @return the results recorded: one per test and business date, one per anomaly-judged date
     * @throws IllegalStateException when an error-level check failed; the sentence names the KPI, check and date
     */
    public List<QualityResult> checkRows(KpiDefinition kpi, List<Map<String, Object>> rows, LocalDate from, LocalDate to,
                                         LocalDate runTo, long jobExecutionId) {
        Instant now = Instant.now();
        List<QualityResult> recorded = new ArrayList<>();
        for (KpiDefinition.DataTest test : kpi.tests()) {
            recorded.addAll(test(kpi, test, rows, from, to, jobExecutionId, now));
        }
        if (kpi.anomaly() != null) {
            recorded.addAll(anomaly(kpi, rows, from, to, runTo, jobExecutionId, now));
        }
        if (kpi.isBreakdown()) {
            recorded.addAll(Breakdowns.addsUpResults(kpi, catalog.dimensionsOf(kpi), rows, from, to, jobExecutionId,
                    now));
        }
        record(recorded);
        failOnErrors(kpi, recorded, "; its rows were not written and its previous results stay visible");
        return recorded;
    }

    private List<QualityResult> test(KpiDefinition kpi, KpiDefinition.DataTest test, List<Map<String, Object>> rows,
                                     LocalDate from, LocalDate to, long jobExecutionId, Instant now) {
        if (test.reconcile() != null) {
            return reconcile(kpi, test, rows, from, to, jobExecutionId, now);
        }
        Map<LocalDate, Integer> failing = new TreeMap<>();
        Map<LocalDate, String> example = new HashMap<>();
        if (test.unique() != null) {
            Map<List<Object>, Integer> seen = new HashMap<>();
            for (Map<String, Object> row : rows) {
                List<Object> key = test.unique().stream().map(row::get).toList();
                if (seen.merge(key, 1, Integer::sum) == 2) {
                    LocalDate d = dateOf(kpi, row, from, to);
                    failing.merge(d, 1, Integer::sum);
                    example.putIfAbsent(d, "key " + key + " appears more than once");
                }
            }
        } else {
            for (Map<String, Object> row : rows) {
                Object v = row.get(test.column());
                boolean bad = v == null ? Boolean.TRUE.equals(test.notNull())
                        : v instanceof Number n && ((test.min() != null && n.doubleValue() < test.min())
                        || (test.max() != null && n.doubleValue() > test.max()) || Double.isNaN(n.doubleValue()));
                if (bad) {
                    LocalDate d = dateOf(kpi, row, from, to);
                    failing.merge(d, 1, Integer::sum);
                    example.putIfAbsent(d, test.column() + " = " + v);
                }
            }
        }
        String failed = test.level() == Severity.ERROR ? QualityResult.ERROR : QualityResult.WARN;
        List<QualityResult> out = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            int n = failing.getOrDefault(d, 0);
            String message = n == 0
                    ? "test " + test.checkName() + " passed"
                    : "test " + test.checkName() + " failed on " + n + " row" + (n == 1 ? "" : "s") + " of " + d
                            + " (" + example.get(d) + ")";
            out.add(new QualityResult(kpi.name(), d, test.checkName(), "test", n == 0 ? QualityResult.PASS : failed,
                    (double) n, message, jobExecutionId, now));
        }
        return out;
    }

    /**
     * The reconciliation of a daily KPI's column with the warehouse's own total, per calendar month touched by the
     * slice [from, to]: the month's days up to {@code min(month end, to)}, from the slice's rows and, before the slice,
     * the committed rows. One result per month, recorded on that last date; observed = |KPI sum − warehouse total|;
     * allowed: {@code tolerancePerDay} × days. A month with a day missing (not materialized) is not checked. The
     * warehouse query runs once per slice, over [first day of from's month, to], and returns one row per month
     * ({@code month}: its first day, {@code total}); a month without a row totals 0.
     */
    private List<QualityResult> reconcile(KpiDefinition kpi, KpiDefinition.DataTest test,
                                          List<Map<String, Object>> rows, LocalDate from, LocalDate to,
                                          long jobExecutionId, Instant now) {
        Map<LocalDate, Double> daily = new HashMap<>();
        LocalDate firstMonth = from.withDayOfMonth(1);
        if (firstMonth.isBefore(from)) {
            store.query("SELECT " + kpi.partition() + ", SUM(" + test.column() + ") FROM " + kpi.table() + " WHERE "
                            + kpi.partition() + " BETWEEN ? AND ? GROUP BY " + kpi.partition(),
                    rs -> {
                        daily.put(rs.getObject(1, LocalDate.class), rs.getObject(2) == null ? 0.0 : rs.getDouble(2));
                    }, firstMonth, from.minusDays(1));
        }
        for (Map<String, Object> row : rows) {
            if (row.get(kpi.partition()) instanceof LocalDate d) {
                daily.merge(d, row.get(test.column()) instanceof Number n ? n.doubleValue() : 0.0, Double::sum);
            }
        }
        Map<LocalDate, Double> totals = null;
        List<QualityResult> out = new ArrayList<>();
        for (LocalDate month = firstMonth; !month.isAfter(to); month = month.plusMonths(1)) {
            LocalDate last = month.plusMonths(1).minusDays(1).isAfter(to) ? to : month.plusMonths(1).minusDays(1);
            double sum = 0;
            boolean complete = true;
            for (LocalDate d = month; !d.isAfter(last); d = d.plusDays(1)) {
                Double v = daily.get(d);
                complete &= v != null;
                sum += v == null ? 0 : v;
            }
            if (!complete) {
                continue;
            }
            if (totals == null) {
                totals = monthTotals(test.reconcile(), firstMonth, to);
            }
            double total = totals.getOrDefault(month, 0.0);
            int days = last.getDayOfMonth();
            double difference = Math.abs(sum - total);
            double allowed = test.tolerancePerDay() * days + 1e-9 * Math.max(1, Math.abs(total));
            boolean ok = difference <= allowed;
            String status = ok ? QualityResult.PASS
                    : test.level() == Severity.ERROR ? QualityResult.ERROR : QualityResult.WARN;
            String message = String.format(java.util.Locale.ROOT, "test %s %s for %s..%s: the KPI sums to %.2f, the"
                            + " warehouse's own total is %.2f (difference %.4f, allowed %.4f)", test.checkName(),
                    ok ? "passed" : "failed", month, last, sum, total, difference, allowed);
            out.add(new QualityResult(kpi.name(), last, test.checkName(), "test", status, difference, message,
                    jobExecutionId, now));
        }
        return out;
    }

    /**
     * The reconciliation query's totals over [from, to] by month (first day).
     *
     * @throws IllegalStateException when a row lacks a date {@code month} or a number {@code total}
     */
    private Map<LocalDate, Double> monthTotals(String query, LocalDate from, LocalDate to) {
        Map<LocalDate, Double> totals = new HashMap<>();
        warehouse.query(query, Map.of("from", from, "to", to), r -> {
            if (!(r.get("month") instanceof LocalDate month) || !(r.get("total") instanceof Number total)) {
                throw new IllegalStateException("reconciliation query " + query + " must return a date `month` and"
                        + " a number `total` per row, got " + r);
            }
            totals.merge(month, total.doubleValue(), Double::sum);
        });
        return totals;
    }

    private static LocalDate dateOf(KpiDefinition kpi, Map<String, Object> row, LocalDate from, LocalDate to) {
        return row.get(kpi.partition()) instanceof LocalDate d && !d.isBefore(from) && !d.isAfter(to) ? d : to;
    }

    private List<QualityResult> anomaly(KpiDefinition kpi, List<Map<String, Object>> rows, LocalDate from,
                                        LocalDate to, LocalDate runTo, long jobExecutionId, Instant now) {
        KpiDefinition.Anomaly a = kpi.anomaly();
        int weeks = a.trailingWeeks();
        // the detection period: the run's last dates, as far as this slice holds them
        LocalDate judgedFrom = runTo.minusDays(a.detectionPeriodDays() - 1L);
        if (judgedFrom.isAfter(to)) {
            return List.of();
        }
        if (judgedFrom.isBefore(from)) {
            judgedFrom = from;
        }
        Map<LocalDate, Double> values = new HashMap<>();
        // history: committed values before the slice (the slice's own dates are replaced by the new rows)
        if (judgedFrom.minusWeeks(weeks).isBefore(from)) {
            store.query("SELECT " + kpi.partition() + ", SUM(" + a.column() + ") FROM " + kpi.table() + " WHERE "
                            + kpi.partition() + " BETWEEN ? AND ? GROUP BY " + kpi.partition(),
                    rs -> {
                        values.put(rs.getObject(1, LocalDate.class), rs.getObject(2) == null ? null : rs.getDouble(2));
                    }, judgedFrom.minusWeeks(weeks), from.minusDays(1));
        }
        Map<LocalDate, Double> slice = new HashMap<>();
        for (Map<String, Object> row : rows) {
            if (row.get(kpi.partition()) instanceof LocalDate d && row.get(a.column()) instanceof Number n) {
                slice.merge(d, n.doubleValue(), Double::sum);
            }
        }
        values.putAll(slice);
        List<QualityResult> out = new ArrayList<>();
        String check = "anomaly(" + a.column() + ")";
        boolean counts = kpi.values().stream().anyMatch(c -> c.name().equals(a.column()) && c.type().equals("integer"));
        for (LocalDate d = judgedFrom; !d.isAfter(to); d = d.plusDays(1)) {
            Double x = slice.get(d);
            double[] history = new double[weeks];
            int n = 0;
            for (int w = 1; w <= weeks; w++) {
                Double h = values.get(d.minusWeeks(w));
                if (h != null) {
                    history[n++] = h;
                }
            }
            if (x == null || n < MIN_HISTORY) {
                continue;
            }
            AnomalyScore score = AnomalyScore.of(Arrays.copyOf(history, n), x, counts);
            double median = score.median();
            double z = score.z();
            String status = score(z, a.warn(), a.error());
            String message = String.format(java.util.Locale.ROOT,
                    "%s of %s is %s against a median of %s on the same weekday of the %d weeks before"
                            + " (robust z-score %.1f)", a.column(), d, number(x), number(median), weeks, z);
            out.add(new QualityResult(kpi.name(), d, check, "anomaly", status, z, message, jobExecutionId, now));
        }
        return out;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
                : String.format(java.util.Locale.ROOT, "%.4g", v);
    }

    private static String status(long lag, Integer warnAfter, Integer errorAfter) {
        if (errorAfter != null && lag > errorAfter) {
            return QualityResult.ERROR;
        }
        return warnAfter != null && lag > warnAfter ? QualityResult.WARN : QualityResult.PASS;
    }

    private static String score(double z, Double warn, Double error) {
        if (error != null && z > error) {
            return QualityResult.ERROR;
        }
        return warn != null && z > warn ? QualityResult.WARN : QualityResult.PASS;
    }

    private void record(List<QualityResult> recorded) {
        results.save(recorded, () -> recorded.stream().filter(r -> !r.status().equals(QualityResult.PASS))
                .forEach(r -> alerts.enqueue(alert(r))));
        Map<List<String>, Integer> counts = new HashMap<>();
        for (QualityResult r : recorded) {
            counts.merge(List.of(r.kpi(), r.kind(), r.status()), 1, Integer::sum);
        }
        counts.forEach((tags, n) -> Counter.builder("execkpi.quality.checks")
                .description("Data-quality checks run, by KPI, kind (freshness, test, anomaly) and status")
                .tag("kpi", tags.get(0)).tag("kind", tags.get(1)).tag("status", tags.get(2))
                .register(meters).increment(n));
        for (QualityResult r : recorded) {
            if (!r.status().equals(QualityResult.PASS)) {
                log.warn("Data quality {} of KPI {} on {}: {}", r.status(), r.kpi(), r.businessDate(), r.message());
            }
        }
    }

    /** The alert of a failed check; its dedup key names KPI, date, check and status (not the execution). */
    private static Alert alert(QualityResult r) {
        String event = switch (r.kind()) {
            case "freshness" -> "source-stale";
            case "anomaly" -> "anomaly";
            default -> "data-test-failed";
        };
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("kpi", r.kpi());
        details.put("date", r.businessDate().toString());
        details.put("check", r.check());
        details.put("observed", r.observed());
        details.put("executionId", r.jobExecutionId());
        return new Alert(event, r.status(), "KPI " + r.kpi() + ", " + r.businessDate() + ": " + r.message(),
                event + "/" + r.kpi() + "/" + r.businessDate() + "/" + r.check() + "/" + r.status(), r.checkedAt(),
                details);
    }

    private static void failOnErrors(KpiDefinition kpi, List<QualityResult> recorded, String consequence) {
        List<String> errors = recorded.stream().filter(r -> r.status().equals(QualityResult.ERROR))
                .map(QualityResult::message).distinct().toList();
        if (!errors.isEmpty()) {
            throw new IllegalStateException(String.join("; ", errors.subList(0, Math.min(3, errors.size())))
                    + (errors.size() > 3 ? " (and " + (errors.size() - 3) + " more)" : "") + ": KPI " + kpi.name()
                    + " failed its data-quality gate" + consequence);
        }
    }
}
