-- ab_metrics (DuckDB): for every as-of business date in [:from, :to], per experiment and variant: users assigned by the
-- end of that date, converters (assigned users with a completed order created at or after their assignment and by
-- the end of that date), and the sum and sum of squares over users of that post-assignment completed revenue.
-- One pass for the whole range: daily changes per arm are accumulated with running sums. A user's squared revenue
-- grows by cum^2 - (cum - rev)^2 on each day their cumulative revenue grows by rev.
WITH arms AS (
    SELECT v.experiment_id, v.variant, v.is_control, v.weight, e.start_date
    FROM experiment_variants v
    JOIN experiments e ON e.experiment_id = v.experiment_id
    WHERE e.start_date <= CAST(:to AS DATE)
),
calendar AS (
    SELECT (SELECT MIN(start_date) FROM experiments) + CAST(x AS INTEGER) AS d
    FROM range(0, date_diff('day', (SELECT MIN(start_date) FROM experiments), CAST(:to AS DATE)) + 1) r(x)
),
user_day AS (
    SELECT a.experiment_id, a.variant, a.user_id, CAST(o.created_at AS DATE) AS d, SUM(oi.sale_price) AS rev
    FROM assignments a
    JOIN orders o ON o.user_id = a.user_id
    JOIN order_items oi ON oi.order_id = o.order_id
    WHERE o.status = 'Complete'
      AND o.created_at >= a.assigned_at
      AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
    GROUP BY a.experiment_id, a.variant, a.user_id, CAST(o.created_at AS DATE)
),
user_running AS (
    SELECT experiment_id, variant, d, rev,
           SUM(rev) OVER (PARTITION BY experiment_id, user_id ORDER BY d) AS cum,
           ROW_NUMBER() OVER (PARTITION BY experiment_id, user_id ORDER BY d) AS k
    FROM user_day
),
changes AS (
    SELECT a.experiment_id, a.variant, c.d, a.is_control, a.weight,
           0 AS users, 0 AS converters, CAST(0 AS DOUBLE) AS rev, CAST(0 AS DOUBLE) AS sq
    FROM arms a JOIN calendar c ON c.d >= a.start_date
    UNION ALL
    SELECT experiment_id, variant, CAST(assigned_at AS DATE), NULL, NULL, 1, 0, 0, 0
    FROM assignments
    WHERE assigned_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
    UNION ALL
    SELECT experiment_id, variant, d, NULL, NULL, 0, CASE WHEN k = 1 THEN 1 ELSE 0 END, rev, cum * cum - (cum - rev) * (cum - rev)
    FROM user_running
),
per_day AS (
    SELECT experiment_id, variant, d, MAX(is_control) AS is_control_max, MAX(weight) AS weight_max,
           SUM(users) AS users, SUM(converters) AS converters, SUM(rev) AS rev, SUM(sq) AS sq
    FROM changes
    GROUP BY experiment_id, variant, d
),
running AS (
    SELECT experiment_id, variant, d,
           MAX(is_control_max) OVER (PARTITION BY experiment_id, variant) AS is_control,
           MAX(weight_max) OVER (PARTITION BY experiment_id, variant) AS weight,
           CAST(SUM(users) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS BIGINT) AS users,
           CAST(SUM(converters) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS BIGINT) AS converters,
           SUM(rev) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS revenue_sum,
           SUM(sq) OVER (PARTITION BY experiment_id, variant ORDER BY d) AS revenue_sum_squares
    FROM per_day
)
SELECT d AS as_of_date, experiment_id, variant, is_control, weight, users, converters,
       ROUND(revenue_sum, 6) AS revenue_sum, ROUND(revenue_sum_squares, 6) AS revenue_sum_squares
FROM running
WHERE d >= CAST(:from AS DATE) AND d <= CAST(:to AS DATE) AND is_control IS NOT NULL
ORDER BY d, experiment_id, variant
