package io.execkpi.kpi;

/**
 * A business dimension of the warehouse, defined once in the catalog's {@code dimensions:} section and referenced by
 * the breakdowns of the KPIs it applies to.
 *
 * @param name        the dimension's name, also the column its values have in a KPI's facts once joined (e.g.
 *                    {@code country})
 * @param description what a value means and the cardinality rule (e.g. "the 20 countries with the most users, the
 *                    others 'other'"), shown to readers
 * @param sql         the query file ({@code sql/<dialect>/<sql>.sql}) returning one row per {@code key} with the
 *                    value as column {@code name} (text; the cardinality rule applied there): a value a fact has no
 *                    row for reads {@code (unknown)}
 * @param key         the facts column the dimension joins on ({@code user_id}, {@code order_id}, {@code product_id},
 *                    …), also the key column of the {@code sql} query
 * @param filter      true for a filter dimension: breakdowns also store it paired with every other dimension of the
 *                    KPI, so "revenue in Brasil by category" is a read
 */
public record Dimension(String name, String description, String sql, String key, Boolean filter) {

    /** Whether the dimension is paired with every other one of a breakdown. */
    public boolean isFilter() {
        return Boolean.TRUE.equals(filter);
    }
}
