-- ab_segments (DuckDB): ab_metrics by segment. For every as-of business date in [:from, :to], per experiment,
-- segment attribute, segment value and variant: users assigned by the end of that date, converters (assigned users
-- with a completed order created at or after their assignment and by the end of that date), and the sum and sum of
-- squares over users of that post-assignment completed revenue: the same definitions as sql/duckdb/ab_metrics.sql
-- (daily changes accumulated with running sums; a user's squared revenue grows by cum^2 - (cum - rev)^2 on each day
-- their cumulative revenue grows by rev), restricted to the users of the segment value. Segment attributes:
--   traffic_source  users.traffic_source
--   country         users.country; the 20 countries with the most users assigned to the experiment by the end of
--                   the as-of date (all arms together; ties by country name) keep their name, the others are summed
--                   into 'other' (so the top 20 is as of each date, computed from that date's data alone)
--   browser         events.browser of the user's first event (earliest created_at, then lowest id) before the end
--                   of :to; a user whose first event comes after their assignment gets it on a run after that event
-- A missing attribute is '(unknown)'. A segment value appears on a date once one of its users is assigned (any arm);
-- from then on every arm has a row (an arm without users in it: zeros). Pre-period, capped and guardrail sums are
-- not segmented.
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
first_browser AS (
    SELECT user_id, browser
    FROM (SELECT user_id, browser, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY created_at, id) AS r
          FROM events
          WHERE user_id IS NOT NULL AND created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY) f
    WHERE r = 1
),
assigned AS (
    SELECT a.experiment_id, a.variant, a.user_id, a.assigned_at, s.segment,
           COALESCE(CASE s.segment WHEN 'traffic_source' THEN u.traffic_source WHEN 'country' THEN u.country
                                   ELSE b.browser END, '(unknown)') AS segment_value
    FROM assignments a
    CROSS JOIN (SELECT 'traffic_source' AS segment UNION ALL SELECT 'country' UNION ALL SELECT 'browser') s
    LEFT JOIN users u ON u.id = a.user_id
    LEFT JOIN first_browser b ON b.user_id = a.user_id
    WHERE a.assigned_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
),
segment_values AS (
    SELECT DISTINCT experiment_id, segment, segment_value FROM assigned
),
user_day AS (
    SELECT a.experiment_id, a.variant, a.segment, a.segment_value, a.user_id, CAST(o.created_at AS DATE) AS d,
           SUM(oi.sale_price) AS rev
    FROM assigned a
    JOIN orders o ON o.user_id = a.user_id
    JOIN order_items oi ON oi.order_id = o.order_id
    WHERE o.status = 'Complete'
      AND o.created_at >= a.assigned_at
      AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
    GROUP BY a.experiment_id, a.variant, a.segment, a.segment_value, a.user_id, CAST(o.created_at AS DATE)
),
user_running AS (
    SELECT experiment_id, variant, segment, segment_value, d, rev,
           SUM(rev) OVER (PARTITION BY experiment_id, segment, user_id ORDER BY d) AS cum,
           ROW_NUMBER() OVER (PARTITION BY experiment_id, segment, user_id ORDER BY d) AS k
    FROM user_day
),
changes AS (
    SELECT a.experiment_id, a.variant, v.segment, v.segment_value, c.d, a.is_control, a.weight,
           0 AS users, 0 AS converters, CAST(0 AS DOUBLE) AS rev, CAST(0 AS DOUBLE) AS sq
    FROM arms a
    JOIN segment_values v ON v.experiment_id = a.experiment_id
    JOIN calendar c ON c.d >= a.start_date
    UNION ALL
    SELECT experiment_id, variant, segment, segment_value, CAST(assigned_at AS DATE), NULL, NULL, 1, 0, 0, 0
    FROM assigned
    UNION ALL
    SELECT experiment_id, variant, segment, segment_value, d, NULL, NULL, 0, CASE WHEN k = 1 THEN 1 ELSE 0 END,
           rev, cum * cum - (cum - rev) * (cum - rev)
    FROM user_running
),
per_day AS (
    SELECT experiment_id, variant, segment, segment_value, d, MAX(is_control) AS is_control_max,
           MAX(weight) AS weight_max, SUM(users) AS users, SUM(converters) AS converters, SUM(rev) AS rev,
           SUM(sq) AS sq
    FROM changes
    GROUP BY experiment_id, variant, segment, segment_value, d
),
running AS (
    SELECT experiment_id, variant, segment, segment_value, d,
           MAX(is_control_max) OVER (PARTITION BY experiment_id, variant) AS is_control,
           MAX(weight_max) OVER (PARTITION BY experiment_id, variant) AS weight,
           SUM(users) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS users,
           SUM(converters) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS converters,
           SUM(rev) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS revenue_sum,
           SUM(sq) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS revenue_sum_squares
    FROM per_day
),
valued AS (
    SELECT r.*, SUM(users) OVER (PARTITION BY experiment_id, segment, segment_value, d) AS value_users
    FROM running r
    WHERE d >= CAST(:from AS DATE) AND d <= CAST(:to AS DATE) AND is_control IS NOT NULL
),
ranked AS (
    SELECT v.*, DENSE_RANK() OVER (PARTITION BY experiment_id, segment, d
                                   ORDER BY value_users DESC, segment_value) AS value_rank
    FROM valued v
    WHERE value_users > 0
)
SELECT d AS as_of_date, experiment_id, segment,
       CASE WHEN segment = 'country' AND value_rank > 20 THEN 'other' ELSE segment_value END AS segment_value,
       variant, MAX(is_control) AS is_control, MAX(weight) AS weight,
       CAST(SUM(users) AS BIGINT) AS users, CAST(SUM(converters) AS BIGINT) AS converters,
       ROUND(SUM(revenue_sum), 6) AS revenue_sum, ROUND(SUM(revenue_sum_squares), 6) AS revenue_sum_squares
FROM ranked
GROUP BY d, experiment_id, segment,
         CASE WHEN segment = 'country' AND value_rank > 20 THEN 'other' ELSE segment_value END, variant
ORDER BY as_of_date, experiment_id, segment, segment_value, variant
