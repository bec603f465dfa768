-- ab_metrics (BigQuery): for every as-of business date in [@from, @to], per experiment and variant: users assigned
-- by the end of that date, converters (assigned users with a completed order created at or after their assignment
-- and by the end of that date), and the sum and sum of squares over users of that post-assignment completed revenue.
-- Same columns and meaning as sql/duckdb/ab_metrics.sql: daily changes per arm accumulated with running sums; a user's
-- squared revenue grows by cum^2 - (cum - rev)^2 on each day their cumulative revenue grows by rev.
-- CUPED covariate: x = the user's completed revenue in the 14 days before their assignment ([assigned_at - 14 days,
-- assigned_at)), fixed once assigned: Σx and Σx² are added on the assignment day, and Σxy grows by x * rev on each
-- day the user's post-assignment revenue y grows by rev. The window is the cuped window-days of experiments.yml.
-- CUPED for conversion: the covariate is pre-period conversion (x > 0: a completed order in that window), so
-- pre_converters counts those users (Σx = Σx² for a 0/1 value) and pre_post_converters those of them who also
-- converted after their assignment (Σxy), added on the day of their first post-assignment completed order.
-- Capping (winsorization) of revenue per user at the 99th percentile, as GrowthBook caps: per experiment and as-of
-- date, revenue_cap = PERCENTILE_CONT(0.99) (linear interpolation between the order statistics at h = 0.99 (n - 1),
-- 0-based) of y over all n users assigned by that date, pooled across arms, users without revenue included as
-- zeros; then Σ min(y, cap), Σ min(y, cap)², and the covariate capped at the same value: Σ min(x, cap),
-- Σ min(x, cap)², Σ min(x, cap)·min(y, cap). The cap changes with the date, so these are computed per as-of date,
-- only over the users with pre-period or post-assignment revenue (all others are zeros, counted by position: of the
-- n sorted values the first n - k are 0 when k users have y > 0; h is computed in integers), and only for the as-of dates
-- from @capped_from on (the job passes the last 7 business dates up to yesterday, whatever the run's range, so a
-- rerun or backfill writes the same rows as any other run; a cap per date over a whole history would cost one pass
-- over the users per date): on earlier dates revenue_cap and the capped sums are NULL, and abJob falls back to the
-- uncapped sums with a note.
-- Average order value (a ratio metric, revenue per completed order, for the aov guardrail): per user d = completed
-- orders from the assignment on; Σd, Σd² and Σ y·d grow like Σy² does: by cum_d² - (cum_d - n)² and by
-- cum·cum_d - (cum - rev)(cum_d - n) on each day the user completes n orders worth rev.
-- Guardrail counts: orders of any status created at or after the assignment (by the end of the date), those of them
-- now Cancelled or Returned (the order's current status, dated by its creation), and the users with at least one.
--
-- Computed as sql/duckdb/ab_metrics.sql computes it (which also groups its per-user rows by an integer per experiment,
-- a DuckDB speed-up): revenue per completed order summed from its items once; one join of the assignments with their
-- user's orders (from 14 days before the assignment to the end of @to) for the pre-period, the post-assignment
-- revenue and the guardrail counts; changes dated before @from summed into @from (a user's squares telescope: Σ over
-- days of cum² - (cum - rev)² = cum²); revenue summed as NUMERIC (sale_price rounded to 9 decimals): exact, so every
-- sum is independent of the order of addition and of how days are grouped.
--
-- The experiment tables come from one of two blocks (BigQuerySql keeps exactly one):
--   * execkpi.warehouse.bigquery.experiments-dataset set: its tables experiments (experiment_id STRING,
--     start_date DATE, ...), experiment_variants (experiment_id STRING, variant STRING, weight FLOAT64,
--     is_control BOOL) and assignments (user_id INT64, experiment_id STRING, variant STRING, assigned_at TIMESTAMP);
--   * not set: the A/A experiment 'aa_hash_split' of the original: every thelook user, assigned when they signed up
--     (users.created_at), to 'control' when FARM_FINGERPRINT(CAST(users.id AS STRING)) is even and to 'treatment'
--     when it is odd, intended 50/50, started on the day of the earliest signup. Nothing differs between its arms,
--     so it can only show a difference by chance (a check of the pipeline, not a real experiment).
WITH
-- {{#experiments}}
experiments AS (
    SELECT experiment_id, start_date
    FROM `{{experiments}}.experiments`
),
experiment_variants AS (
    SELECT experiment_id, variant, CAST(weight AS FLOAT64) AS weight, is_control
    FROM `{{experiments}}.experiment_variants`
),
assignments AS (
    SELECT user_id, experiment_id, variant, assigned_at
    FROM `{{experiments}}.assignments`
),
-- {{/experiments}}
-- {{^experiments}}
experiments AS (
    SELECT 'aa_hash_split' AS experiment_id, DATE(MIN(created_at)) AS start_date
    FROM `{{source}}.users`
),
experiment_variants AS (
    SELECT 'aa_hash_split' AS experiment_id, variant, 1.0 AS weight, variant = 'control' AS is_control
    FROM UNNEST(['control', 'treatment']) AS variant
),
assignments AS (
    SELECT id AS user_id,
           'aa_hash_split' AS experiment_id,
           IF(MOD(FARM_FINGERPRINT(CAST(id AS STRING)), 2) = 0, 'control', 'treatment') AS variant,
           created_at AS assigned_at
    FROM `{{source}}.users`
),
-- {{/experiments}}
arms AS (
    SELECT v.experiment_id, v.variant, v.is_control, v.weight, e.start_date
    FROM experiment_variants AS v
    JOIN experiments AS e ON e.experiment_id = v.experiment_id
    WHERE e.start_date <= @to
),
calendar AS (
    -- the run's as-of dates from the first experiment's start on
    SELECT d
    FROM (SELECT MIN(start_date) AS first_start FROM experiments) AS bounds
    CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(GREATEST(@from, bounds.first_start), @to)) AS d
),
order_revenue AS (
    -- every order created by the end of @to; rev: the revenue of a completed order (the sum of its items), else NULL
    SELECT o.user_id, o.created_at, o.status, i.rev
    FROM `{{source}}.orders` AS o
    LEFT JOIN (SELECT order_id, SUM(CAST(sale_price AS NUMERIC)) AS rev
               FROM `{{source}}.order_items`
               GROUP BY order_id) AS i
           ON i.order_id = o.order_id AND o.status = 'Complete'
    WHERE o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
),
user_orders AS (
    -- the one join: each assignment by the end of @to with its user's orders from 14 days before it; d = the order's
    -- day for an order at or after the assignment, NULL for one in the pre-period; run_d = d, or @from if earlier
    SELECT a.experiment_id, a.variant, a.user_id, DATE(a.assigned_at) AS assigned_day,
           IF(o.created_at >= a.assigned_at, DATE(o.created_at), NULL) AS d,
           CASE WHEN o.created_at < a.assigned_at THEN NULL
                WHEN o.created_at < TIMESTAMP(@from) THEN @from
                ELSE DATE(o.created_at) END AS run_d,
           o.status, o.rev
    FROM assignments AS a
    JOIN order_revenue AS o ON o.user_id = a.user_id
    WHERE a.assigned_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
      AND o.created_at >= TIMESTAMP_SUB(a.assigned_at, INTERVAL 14 DAY)
),
user_day AS (
    -- per user: one row per day with post-assignment orders (days before @from summed into @from; present: the day
    -- itself has one), and one with d NULL for the completed orders of the pre-period
    SELECT experiment_id, variant, user_id, assigned_day, run_d AS d, MAX(d) >= @from AS present,
           SUM(rev) AS rev, COUNT(rev) AS ords, COUNT(*) AS orders,
           COUNTIF(status IN ('Cancelled', 'Returned')) AS bad
    FROM user_orders
    WHERE d IS NOT NULL OR rev IS NOT NULL
    GROUP BY experiment_id, variant, user_id, assigned_day, run_d
),
user_running AS (
    -- per user, in day order with the pre-period row first (NULLS FIRST): x = pre-period revenue; cum and cum_o =
    -- post-assignment revenue and completed orders by the end of d; next_d = the user's next day with revenue
    SELECT experiment_id, variant, user_id, assigned_day, d, rev, ords,
           COALESCE(SUM(IF(d IS NULL, rev, NULL))
                        OVER (PARTITION BY experiment_id, user_id ORDER BY d ASC NULLS FIRST), 0) AS x,
           SUM(IF(d IS NOT NULL, rev, NULL))
               OVER (PARTITION BY experiment_id, user_id ORDER BY d ASC NULLS FIRST) AS cum,
           SUM(IF(d IS NOT NULL, ords, NULL))
               OVER (PARTITION BY experiment_id, user_id ORDER BY d ASC NULLS FIRST) AS cum_o,
           LEAD(d) OVER (PARTITION BY experiment_id, user_id ORDER BY d ASC NULLS FIRST) AS next_d
    FROM user_day
    WHERE rev IS NOT NULL
),
changes AS (
    -- present: the row's own date has a change or a calendar row (a date whose only changes were summed into it
    -- from before @from gets no row, as it would not without that summing)
    SELECT a.experiment_id, a.variant, c.d, TRUE AS present,
           0 AS users, 0 AS converters, CAST(0 AS NUMERIC) AS rev, CAST(0 AS NUMERIC) AS sq,
           CAST(0 AS NUMERIC) AS pre, CAST(0 AS NUMERIC) AS pre_sq, CAST(0 AS NUMERIC) AS xy,
           0 AS orders, 0 AS bad, 0 AS bad_users, 0 AS pre_conv, 0 AS pre_post_conv,
           0 AS co, 0 AS co_sq, CAST(0 AS NUMERIC) AS yo
    FROM arms AS a
    JOIN calendar AS c ON c.d >= a.start_date
    UNION ALL
    SELECT experiment_id, variant, run_d, MAX(d) >= @from, COUNT(*), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM (SELECT experiment_id, variant, DATE(assigned_at) AS d, GREATEST(DATE(assigned_at), @from) AS run_d
          FROM assignments
          WHERE assigned_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))) AS asg
    GROUP BY experiment_id, variant, run_d
    UNION ALL
    -- the pre-period, on the (assignment) day of the user's first row
    SELECT experiment_id, variant, GREATEST(assigned_day, @from), FALSE,
           0, 0, 0, 0, x, x * x, 0, 0, 0, 0, IF(x > 0, 1, 0), 0, 0, 0, 0
    FROM user_running
    WHERE d IS NULL
    UNION ALL
    -- post-assignment revenue; the user's first such row is their conversion (cum_o = ords)
    SELECT experiment_id, variant, d, FALSE, 0, IF(cum_o = ords, 1, 0),
           rev, cum * cum - (cum - rev) * (cum - rev), 0, 0, x * rev, 0, 0, 0, 0, IF(cum_o = ords AND x > 0, 1, 0),
           ords, cum_o * cum_o - (cum_o - ords) * (cum_o - ords), cum * cum_o - (cum - rev) * (cum_o - ords)
    FROM user_running
    WHERE d IS NOT NULL
    UNION ALL
    -- guardrails: orders of any status from the assignment on
    SELECT experiment_id, variant, d, LOGICAL_OR(present), 0, 0, 0, 0, 0, 0, 0, SUM(orders), SUM(bad), 0, 0, 0, 0,
           0, 0
    FROM user_day
    WHERE d IS NOT NULL
    GROUP BY experiment_id, variant, d
    UNION ALL
    -- users with a cancelled or returned order, on the day of their first
    SELECT experiment_id, variant, d, FALSE, 0, 0, 0, 0, 0, 0, 0, 0, 0, COUNT(*), 0, 0, 0, 0, 0
    FROM (SELECT experiment_id, variant, user_id, MIN(d) AS d
          FROM user_day
          WHERE d IS NOT NULL AND bad > 0
          GROUP BY experiment_id, variant, user_id) AS first_bad
    GROUP BY experiment_id, variant, d
),
per_day AS (
    SELECT experiment_id, variant, d, LOGICAL_OR(present) AS present,
           SUM(users) AS users, SUM(converters) AS converters, SUM(rev) AS rev, SUM(sq) AS sq,
           SUM(pre) AS pre, SUM(pre_sq) AS pre_sq, SUM(xy) AS xy,
           SUM(orders) AS orders, SUM(bad) AS bad, SUM(bad_users) AS bad_users,
           SUM(pre_conv) AS pre_conv, SUM(pre_post_conv) AS pre_post_conv,
           SUM(co) AS co, SUM(co_sq) AS co_sq, SUM(yo) AS yo
    FROM changes
    GROUP BY experiment_id, variant, d
),
running_all AS (
    SELECT experiment_id, variant, d, present,
           SUM(users) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS users,
           SUM(converters) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS converters,
           SUM(rev) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS revenue_sum,
           SUM(sq) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS revenue_sum_squares,
           SUM(pre) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS pre_revenue_sum,
           SUM(pre_sq) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS pre_revenue_sum_squares,
           SUM(xy) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS revenue_pre_products,
           SUM(orders) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS orders,
           SUM(bad) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS cancelled_returned_orders,
           SUM(bad_users) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS cancel_return_users,
           SUM(pre_conv) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS pre_converters,
           SUM(pre_post_conv) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS pre_post_converters,
           SUM(co) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS completed_orders,
           SUM(co_sq) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS completed_orders_sum_squares,
           SUM(yo) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS revenue_order_products
    FROM per_day
),
running AS (
    SELECT * FROM running_all WHERE present
),
cap_dates AS (
    SELECT d FROM calendar WHERE d >= @capped_from
),
user_at AS (
    -- per cap date, the users with pre-period or post-assignment revenue (the others are zeros throughout): y = their
    -- post-assignment revenue by the end of the date, read from the user's row in force that date (from its day to
    -- the day before their next row; the pre-period row from the assignment day)
    SELECT c.d, u.experiment_id, u.variant, u.x, COALESCE(u.cum, 0) AS y
    FROM user_running AS u
    JOIN cap_dates AS c ON c.d >= COALESCE(u.d, u.assigned_day) AND (u.next_d IS NULL OR c.d < u.next_d)
    WHERE u.d IS NOT NULL OR u.next_d IS NOT NULL OR u.x > 0
),
experiment_users AS (
    -- n users per experiment and cap date; the cap interpolates between the order statistics i and i + 1 (0-based,
    -- ascending), which are the (n - i)-th and (n - i - 1)-th largest
    SELECT r.experiment_id, r.d, SUM(r.users) AS n, DIV(99 * (SUM(r.users) - 1), 100) AS i,
           MOD(99 * (SUM(r.users) - 1), 100) AS hundredths
    FROM running AS r JOIN cap_dates AS c ON c.d = r.d
    WHERE r.users > 0
    GROUP BY r.experiment_id, r.d
),
buckets AS (
    -- positive y per experiment, cap date and bucket of 10 (bucket order follows value order)
    SELECT experiment_id, d, CAST(FLOOR(y / 10) AS INT64) AS bucket, COUNT(*) AS values_in
    FROM user_at
    WHERE y > 0
    GROUP BY experiment_id, d, bucket
),
top_bucket AS (
    -- the highest bucket that with the buckets above it holds at least n - i values: the two order statistics are in
    -- it or above, so only those values need sorting (no such bucket when fewer than n - i values are positive)
    SELECT v.experiment_id, v.d, MAX(v.bucket) AS first_bucket
    FROM (SELECT experiment_id, d, bucket,
                 SUM(values_in) OVER (PARTITION BY experiment_id, d ORDER BY bucket DESC) AS values_from
          FROM buckets) AS v
    JOIN experiment_users AS e ON e.experiment_id = v.experiment_id AND e.d = v.d
    WHERE v.values_from >= e.n - e.i
    GROUP BY v.experiment_id, v.d
),
top_values AS (
    -- the largest positive y, ranked q = 1, 2, ... from the top
    SELECT u.d, u.experiment_id, u.y,
           ROW_NUMBER() OVER (PARTITION BY u.experiment_id, u.d ORDER BY u.y DESC) AS q
    FROM user_at AS u
    LEFT JOIN top_bucket AS t ON t.experiment_id = u.experiment_id AND t.d = u.d
    WHERE u.y > 0 AND CAST(FLOOR(u.y / 10) AS INT64) >= COALESCE(t.first_bucket, 0)
),
caps AS (
    -- lo and hi: the order statistics i and i + 1; 0 when they fall among the zeros (or i + 1 = n)
    SELECT e.experiment_id, e.d,
           COALESCE(MAX(IF(t.q = e.n - e.i, t.y, NULL)), 0) AS lo,
           COALESCE(MAX(IF(t.q = e.n - e.i - 1, t.y, NULL)), 0) AS hi,
           e.hundredths
    FROM experiment_users AS e
    LEFT JOIN top_values AS t ON t.experiment_id = e.experiment_id AND t.d = e.d
    GROUP BY e.experiment_id, e.d, e.i, e.n, e.hundredths
),
cap_values AS (
    SELECT experiment_id, d, CAST(lo + hundredths * 0.01 * (hi - lo) AS NUMERIC) AS cap
    FROM caps
),
capped_users AS (
    SELECT u.d, u.experiment_id, u.variant, LEAST(u.y, c.cap) AS cy, LEAST(u.x, c.cap) AS cx
    FROM user_at AS u
    JOIN cap_values AS c ON c.experiment_id = u.experiment_id AND c.d = u.d
),
capped AS (
    SELECT d, experiment_id, variant, SUM(cy) AS ys, SUM(cy * cy) AS yss, SUM(cx) AS xs, SUM(cx * cx) AS xss,
           SUM(cx * cy) AS xys
    FROM capped_users
    GROUP BY d, experiment_id, variant
)
SELECT r.d AS as_of_date, r.experiment_id, r.variant, a.is_control, a.weight, r.users, r.converters,
       CAST(ROUND(r.revenue_sum, 6) AS FLOAT64) AS revenue_sum,
       CAST(ROUND(r.revenue_sum_squares, 6) AS FLOAT64) AS revenue_sum_squares,
       CAST(ROUND(r.pre_revenue_sum, 6) AS FLOAT64) AS pre_revenue_sum,
       CAST(ROUND(r.pre_revenue_sum_squares, 6) AS FLOAT64) AS pre_revenue_sum_squares,
       CAST(ROUND(r.revenue_pre_products, 6) AS FLOAT64) AS revenue_pre_products,
       r.orders, r.cancelled_returned_orders, r.cancel_return_users, r.pre_converters, r.pre_post_converters,
       r.completed_orders, r.completed_orders_sum_squares,
       CAST(ROUND(r.revenue_order_products, 6) AS FLOAT64) AS revenue_order_products,
       CAST(ROUND(c.cap, 6) AS FLOAT64) AS revenue_cap,
       CAST(ROUND(IF(cd.d IS NOT NULL, COALESCE(cp.ys, 0), NULL), 6) AS FLOAT64) AS capped_revenue_sum,
       CAST(ROUND(IF(cd.d IS NOT NULL, COALESCE(cp.yss, 0), NULL), 6) AS FLOAT64) AS capped_revenue_sum_squares,
       CAST(ROUND(IF(cd.d IS NOT NULL, COALESCE(cp.xs, 0), NULL), 6) AS FLOAT64) AS capped_pre_revenue_sum,
       CAST(ROUND(IF(cd.d IS NOT NULL, COALESCE(cp.xss, 0), NULL), 6) AS FLOAT64) AS capped_pre_revenue_sum_squares,
       CAST(ROUND(IF(cd.d IS NOT NULL, COALESCE(cp.xys, 0), NULL), 6) AS FLOAT64) AS capped_revenue_pre_products
FROM running AS r
JOIN arms AS a ON a.experiment_id = r.experiment_id AND a.variant = r.variant
LEFT JOIN cap_values AS c ON c.experiment_id = r.experiment_id AND c.d = r.d
LEFT JOIN cap_dates AS cd ON cd.d = r.d
LEFT JOIN capped AS cp ON cp.experiment_id = r.experiment_id AND cp.variant = r.variant AND cp.d = r.d
ORDER BY r.d, r.experiment_id, r.variant
