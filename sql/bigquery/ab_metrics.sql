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
-- uncapped sums with a note. Decimal arithmetic makes the sums independent of the order of addition.
-- Average order value (a ratio metric, revenue per completed order, for the aov guardrail): per user d = completed
-- orders from the assignment on; Σd, Σd² and Σ y·d grow like Σy² does: by cum_d² - (cum_d - n)² and by
-- cum·cum_d - (cum - rev)(cum_d - n) on each day the user completes n orders worth rev.
-- Guardrail counts: orders of any status created at or after the assignment (by the end of the date), those of them
-- now Cancelled or Returned (the order's current status, dated by its creation), and the users with at least one.
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
    SELECT d
    FROM (SELECT MIN(start_date) AS first_start FROM experiments) AS bounds
    CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(bounds.first_start, @to)) AS d
),
user_day AS (
    SELECT a.experiment_id, a.variant, a.user_id, DATE(o.created_at) AS d, SUM(oi.sale_price) AS rev,
           COUNT(DISTINCT o.order_id) AS ords
    FROM assignments AS a
    JOIN `{{source}}.orders` AS o ON o.user_id = a.user_id
    JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
    WHERE o.status = 'Complete'
      AND o.created_at >= a.assigned_at
      AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
    GROUP BY a.experiment_id, a.variant, a.user_id, d
),
pre AS (
    SELECT a.experiment_id, a.user_id, SUM(oi.sale_price) AS x
    FROM assignments AS a
    JOIN `{{source}}.orders` AS o ON o.user_id = a.user_id
    JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
    WHERE o.status = 'Complete'
      AND o.created_at >= TIMESTAMP_SUB(a.assigned_at, INTERVAL 14 DAY)
      AND o.created_at < a.assigned_at
      AND a.assigned_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
    GROUP BY a.experiment_id, a.user_id
),
order_day AS (
    SELECT a.experiment_id, a.variant, a.user_id, DATE(o.created_at) AS d, COUNT(*) AS orders,
           COUNTIF(o.status IN ('Cancelled', 'Returned')) AS bad
    FROM assignments AS a
    JOIN `{{source}}.orders` AS o ON o.user_id = a.user_id
    WHERE o.created_at >= a.assigned_at
      AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
    GROUP BY a.experiment_id, a.variant, a.user_id, d
),
order_running AS (
    SELECT experiment_id, variant, d, orders, bad,
           SUM(bad) OVER (PARTITION BY experiment_id, user_id ORDER BY d) AS cum_bad
    FROM order_day
),
user_running AS (
    SELECT u.experiment_id, u.variant, u.d, u.rev, u.ords, COALESCE(p.x, 0) AS x,
           SUM(u.ords) OVER (PARTITION BY u.experiment_id, u.user_id ORDER BY u.d) AS cum_o,
           SUM(u.rev) OVER (PARTITION BY u.experiment_id, u.user_id ORDER BY u.d) AS cum,
           ROW_NUMBER() OVER (PARTITION BY u.experiment_id, u.user_id ORDER BY u.d) AS k
    FROM user_day AS u
    LEFT JOIN pre AS p ON p.experiment_id = u.experiment_id AND p.user_id = u.user_id
),
changes AS (
    SELECT a.experiment_id, a.variant, c.d, a.is_control, a.weight,
           0 AS users, 0 AS converters, CAST(0 AS FLOAT64) AS rev, CAST(0 AS FLOAT64) AS sq,
           CAST(0 AS FLOAT64) AS pre, CAST(0 AS FLOAT64) AS pre_sq, CAST(0 AS FLOAT64) AS xy,
           0 AS orders, 0 AS bad, 0 AS bad_users, 0 AS pre_conv, 0 AS pre_post_conv,
           0 AS co, 0 AS co_sq, CAST(0 AS FLOAT64) AS yo
    FROM arms AS a
    JOIN calendar AS c ON c.d >= a.start_date
    UNION ALL
    SELECT asg.experiment_id, asg.variant, DATE(asg.assigned_at), CAST(NULL AS BOOL), CAST(NULL AS FLOAT64), 1, 0,
           CAST(0 AS FLOAT64), CAST(0 AS FLOAT64),
           CAST(COALESCE(p.x, 0) AS FLOAT64), CAST(COALESCE(p.x * p.x, 0) AS FLOAT64), CAST(0 AS FLOAT64), 0, 0, 0,
           IF(p.x > 0, 1, 0), 0, 0, 0, CAST(0 AS FLOAT64)
    FROM assignments AS asg
    LEFT JOIN pre AS p ON p.experiment_id = asg.experiment_id AND p.user_id = asg.user_id
    WHERE asg.assigned_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
    UNION ALL
    SELECT experiment_id, variant, d, CAST(NULL AS BOOL), CAST(NULL AS FLOAT64), 0, IF(k = 1, 1, 0),
           rev, cum * cum - (cum - rev) * (cum - rev),
           CAST(0 AS FLOAT64), CAST(0 AS FLOAT64), CAST(x * rev AS FLOAT64), 0, 0, 0, 0, IF(k = 1 AND x > 0, 1, 0),
           ords, cum_o * cum_o - (cum_o - ords) * (cum_o - ords), CAST(cum * cum_o - (cum - rev) * (cum_o - ords) AS FLOAT64)
    FROM user_running
    UNION ALL
    SELECT experiment_id, variant, d, CAST(NULL AS BOOL), CAST(NULL AS FLOAT64), 0, 0,
           CAST(0 AS FLOAT64), CAST(0 AS FLOAT64), CAST(0 AS FLOAT64), CAST(0 AS FLOAT64), CAST(0 AS FLOAT64),
           orders, bad, IF(bad > 0 AND cum_bad = bad, 1, 0), 0, 0, 0, 0, CAST(0 AS FLOAT64)
    FROM order_running
),
per_day AS (
    SELECT experiment_id, variant, d, LOGICAL_OR(is_control) AS is_control_any, MAX(weight) AS weight_max,
           SUM(users) AS users, SUM(converters) AS converters, SUM(rev) AS rev, SUM(sq) AS sq,
           SUM(pre) AS pre, SUM(pre_sq) AS pre_sq, SUM(xy) AS xy,
           SUM(orders) AS orders, SUM(bad) AS bad, SUM(bad_users) AS bad_users,
           SUM(pre_conv) AS pre_conv, SUM(pre_post_conv) AS pre_post_conv,
           SUM(co) AS co, SUM(co_sq) AS co_sq, SUM(yo) AS yo
    FROM changes
    GROUP BY experiment_id, variant, d
),
running AS (
    SELECT experiment_id, variant, d,
           LOGICAL_OR(is_control_any) OVER (PARTITION BY experiment_id, variant) AS is_control,
           MAX(weight_max) OVER (PARTITION BY experiment_id, variant) AS weight,
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
cap_dates AS (
    SELECT d FROM calendar WHERE d >= GREATEST(@from, @capped_from) AND d <= @to
),
revenue_users AS (
    SELECT asg.experiment_id, asg.variant, asg.user_id, DATE(asg.assigned_at) AS assigned_day,
           COALESCE(p.x, 0) AS x
    FROM assignments AS asg
    LEFT JOIN pre AS p ON p.experiment_id = asg.experiment_id AND p.user_id = asg.user_id
    LEFT JOIN (SELECT DISTINCT experiment_id, user_id FROM user_day) AS b
           ON b.experiment_id = asg.experiment_id AND b.user_id = asg.user_id
    WHERE asg.assigned_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
      AND (p.x > 0 OR b.user_id IS NOT NULL)
),
user_at AS (
    SELECT c.d, r.experiment_id, r.variant, r.user_id, r.x, COALESCE(SUM(u.rev), 0) AS y
    FROM revenue_users AS r
    JOIN cap_dates AS c ON c.d >= r.assigned_day
    LEFT JOIN user_day AS u ON u.experiment_id = r.experiment_id AND u.user_id = r.user_id AND u.d <= c.d
    GROUP BY c.d, r.experiment_id, r.variant, r.user_id, r.x
),
positive AS (
    SELECT d, experiment_id, y,
           ROW_NUMBER() OVER (PARTITION BY experiment_id, d ORDER BY y) AS r,
           COUNT(*) OVER (PARTITION BY experiment_id, d) AS k
    FROM user_at
    WHERE y > 0
),
experiment_users AS (
    SELECT r.experiment_id, r.d, SUM(r.users) AS n, DIV(99 * (SUM(r.users) - 1), 100) AS i,
           MOD(99 * (SUM(r.users) - 1), 100) AS hundredths
    FROM running AS r JOIN cap_dates AS c ON c.d = r.d
    WHERE r.users > 0
    GROUP BY r.experiment_id, r.d
),
caps AS (
    SELECT e.experiment_id, e.d,
           CAST(COALESCE(MAX(CASE WHEN p.r = e.i - (e.n - p.k) + 1 THEN p.y END), 0) AS NUMERIC) AS lo,
           CAST(COALESCE(MAX(CASE WHEN p.r = e.i - (e.n - p.k) + 2 THEN p.y END), 0) AS NUMERIC) AS hi,
           e.hundredths
    FROM experiment_users AS e
    LEFT JOIN positive AS p ON p.experiment_id = e.experiment_id AND p.d = e.d
    GROUP BY e.experiment_id, e.d, e.i, e.n, e.hundredths
),
cap_values AS (
    SELECT experiment_id, d, CAST(lo + hundredths * 0.01 * (hi - lo) AS NUMERIC) AS cap
    FROM caps
),
capped_users AS (
    SELECT u.d, u.experiment_id, u.variant,
           LEAST(CAST(u.y AS NUMERIC), c.cap) AS cy, LEAST(CAST(u.x AS NUMERIC), c.cap) AS cx
    FROM user_at AS u
    JOIN cap_values AS c ON c.experiment_id = u.experiment_id AND c.d = u.d
),
capped AS (
    SELECT d, experiment_id, variant, SUM(cy) AS ys, SUM(cy * cy) AS yss, SUM(cx) AS xs, SUM(cx * cx) AS xss,
           SUM(cx * cy) AS xys
    FROM capped_users
    GROUP BY d, experiment_id, variant
)
SELECT r.d AS as_of_date, r.experiment_id, r.variant, r.is_control, r.weight, r.users, r.converters,
       ROUND(r.revenue_sum, 6) AS revenue_sum, ROUND(r.revenue_sum_squares, 6) AS revenue_sum_squares,
       ROUND(r.pre_revenue_sum, 6) AS pre_revenue_sum, ROUND(r.pre_revenue_sum_squares, 6) AS pre_revenue_sum_squares,
       ROUND(r.revenue_pre_products, 6) AS revenue_pre_products,
       r.orders, r.cancelled_returned_orders, r.cancel_return_users, r.pre_converters, r.pre_post_converters,
       r.completed_orders, r.completed_orders_sum_squares, ROUND(r.revenue_order_products, 6) AS revenue_order_products,
       CAST(ROUND(c.cap, 6) AS FLOAT64) AS revenue_cap,
       CAST(ROUND(CASE WHEN cd.d IS NOT NULL THEN COALESCE(cp.ys, 0) END, 6) AS FLOAT64) AS capped_revenue_sum,
       CAST(ROUND(CASE WHEN cd.d IS NOT NULL THEN COALESCE(cp.yss, 0) END, 6) AS FLOAT64) AS capped_revenue_sum_squares,
       CAST(ROUND(CASE WHEN cd.d IS NOT NULL THEN COALESCE(cp.xs, 0) END, 6) AS FLOAT64) AS capped_pre_revenue_sum,
       CAST(ROUND(CASE WHEN cd.d IS NOT NULL THEN COALESCE(cp.xss, 0) END, 6) AS FLOAT64) AS capped_pre_revenue_sum_squares,
       CAST(ROUND(CASE WHEN cd.d IS NOT NULL THEN COALESCE(cp.xys, 0) END, 6) AS FLOAT64) AS capped_revenue_pre_products
FROM running AS r
LEFT JOIN cap_values AS c ON c.experiment_id = r.experiment_id AND c.d = r.d
LEFT JOIN cap_dates AS cd ON cd.d = r.d
LEFT JOIN capped AS cp ON cp.experiment_id = r.experiment_id AND cp.variant = r.variant AND cp.d = r.d
WHERE r.d >= @from AND r.d <= @to AND r.is_control IS NOT NULL
ORDER BY r.d, r.experiment_id, r.variant
