package io.execkpi.ml.features;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.warehouse.Warehouse;

/**
 * Point-in-time features of the conversion-propensity model, extracted by the warehouse query {@code ml_features}
 * (see {@code sql/<dialect>/ml_features.sql} for each definition). Everything is computed strictly before the cutoff
 * instant; the label only from orders in (cutoff, label end].
 *
 * <p>Time convention: the cutoff of a date is that date's 00:00 UTC. Training for business date D uses the cutoff
 * D − horizon (default 14 days) and the label window (cutoff, cutoff + horizon], which ends at D 00:00 and is
 * therefore complete on D. Scoring for D uses the cutoff D with an empty label window.
 */
public final class MlFeatures {

    public static final String QUERY = "ml_features";

    /** Model features in column order; every one is a column of the query. */
    public static final List<String> NAMES = List.of(
            "orders_30d", "orders_90d", "orders_lifetime", "items_30d", "items_90d", "revenue_30d", "revenue_90d",
            "days_since_signup", "days_since_last_order", "days_since_last_session", "sessions_30d",
            "cart_events_30d",
            "event_source_email_share", "event_source_adwords_share", "event_source_youtube_share",
            "event_source_facebook_share", "event_source_organic_share",
            "user_source_search", "user_source_organic", "user_source_facebook", "user_source_email",
            "user_source_display",
            "age", "is_female");

    private MlFeatures() {
    }

    /** 00:00 UTC of a date, as the query's TIMESTAMP parameter (timestamps in the warehouse are UTC). */
    public static LocalDateTime cutoff(LocalDate date) {
        return date.atStartOfDay();
    }

    public static Instant instant(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC);
    }

    /**
     * Runs the feature query over every user who signed up before the cutoff ({@link #extract(Warehouse,
     * LocalDateTime, LocalDateTime, int, boolean, long)} with no filter and no bound).
     */
    public static FeatureTable extract(Warehouse warehouse, LocalDateTime cutoff, LocalDateTime labelEnd,
                                       int activeDays) {
        return extract(warehouse, cutoff, labelEnd, activeDays, false, Long.MAX_VALUE);
    }

    /**
     * Runs the feature query.
     *
     * @param cutoff     features use rows strictly before this instant (UTC)
     * @param labelEnd   the label is a non-cancelled order in (cutoff, labelEnd]; equal to cutoff for no label
     * @param activeDays a row is "active" with an event or non-cancelled order in the activeDays before the cutoff
     * @param activeOnly only the active rows (the scoring population), filtered in the warehouse
     * @param maxRows    at most this many rows: when the population is larger, the warehouse keeps a deterministic
     *                   uniform sample (the users first by a hash of their id: DuckDB {@code hash}, BigQuery
     *                   {@code FARM_FINGERPRINT}); same data, same sample
     * @return the rows ordered by user id
     */
    public static FeatureTable extract(Warehouse warehouse, LocalDateTime cutoff, LocalDateTime labelEnd,
                                       int activeDays, boolean activeOnly, long maxRows) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("cutoff", cutoff);
        parameters.put("label_end", labelEnd);
        parameters.put("active_days", activeDays);
        parameters.put("active_only", activeOnly);
        parameters.put("max_rows", maxRows);
        List<Long> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Boolean> active = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        warehouse.query(QUERY, parameters, row -> {
            ids.add(number(row, "user_id").longValue());
            labels.add(number(row, "label").intValue());
            active.add(number(row, "active").intValue() == 1);
            double[] v = new double[NAMES.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = number(row, NAMES.get(j)).doubleValue();
            }
            rows.add(v);
        });
        int n = ids.size();
        long[] userIds = new long[n];
        int[] y = new int[n];
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
            userIds[i] = ids.get(i);
            y[i] = labels.get(i);
            a[i] = active.get(i);
        }
        return new FeatureTable(userIds, y, a, rows.toArray(double[][]::new));
    }

    private static Number number(Map<String, Object> row, String column) {
        Object value = row.get(column);
        if (value instanceof Number n) {
            return n;
        }
        if (value == null && !row.containsKey(column)) {
            throw new IllegalStateException("The " + QUERY + " query returned no column '" + column + "'");
        }
        throw new IllegalStateException("The " + QUERY + " query returned " + value + " for '" + column
                + "': expected a number");
    }
}
