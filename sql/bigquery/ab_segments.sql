-- ab_segments (BigQuery): ab_metrics by segment. For every as-of business date in [@from, @to], per experiment,
-- segment attribute, segment value and variant: users assigned by the end of that date, converters (assigned users
-- with a completed order created at or after their assignment and by the end of that date), and the sum and sum of
-- squares over users of that post-assignment completed revenue. Same columns and meaning as
-- sql/duckdb/ab_segments.sql: the definitions of ab_metrics restricted to the users of the segment value. Segment
-- attributes:
--   traffic_source  users.traffic_source
--   country         users.country; the 20 countries with the most users assigned to the experiment by the end of
--                   the as-of date (all arms together; ties by country name) keep their name, the others are summed
--                   into 'other' (so the top 20 is as of each date, computed from that date's data alone)
--   browser         events.browser of the user's first event (earliest created_at, then lowest id) before the end
--                   of @to; a user whose first event comes after their assignment gets it on a run after that event
-- A missing attribute is '(unknown)'. A segment value appears on a date once one of its users is assigned (any arm);
-- from then on every arm has a row (an arm without users in it: zeros). Pre-period, capped and guardrail sums are
-- not segmented. The experiment tables come from the same two blocks as ab_metrics.sql (see there).
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
first_browser AS (
    SELECT user_id, browser
    FROM (SELECT user_id, browser, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY created_at, id) AS r
          FROM `{{source}}.events`
          WHERE user_id IS NOT NULL AND created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))) AS f
    WHERE r = 1
),
assigned AS (
    SELECT a.experiment_id, a.variant, a.user_id, a.assigned_at, segment,
           COALESCE(CASE segment WHEN 'traffic_source' THEN u.traffic_source WHEN 'country' THEN u.country
                                 ELSE b.browser END, '(unknown)') AS segment_value
    FROM assignments AS a
    CROSS JOIN UNNEST(['traffic_source', 'country', 'browser']) AS segment
    LEFT JOIN `{{source}}.users` AS u ON u.id = a.user_id
    LEFT JOIN first_browser AS b ON b.user_id = a.user_id
    WHERE a.assigned_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
),
segment_values AS (
    SELECT DISTINCT experiment_id, segment, segment_value FROM assigned
),
user_day AS (
    SELECT a.experiment_id, a.variant, a.segment, a.segment_value, a.user_id, DATE(o.created_at) AS d,
           SUM(oi.sale_price) AS rev
    FROM assigned AS a
    JOIN `{{source}}.orders` AS o ON o.user_id = a.user_id
    JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
    WHERE o.status = 'Complete'
      AND o.created_at >= a.assigned_at
      AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
    GROUP BY a.experiment_id, a.variant, a.segment, a.segment_value, a.user_id, d
),
user_running AS (
    SELECT experiment_id, variant, segment, segment_value, d, rev,
           SUM(rev) OVER (PARTITION BY experiment_id, segment, user_id ORDER BY d) AS cum,
           ROW_NUMBER() OVER (PARTITION BY experiment_id, segment, user_id ORDER BY d) AS k
    FROM user_day
),
changes AS (
    SELECT a.experiment_id, a.variant, v.segment, v.segment_value, c.d, a.is_control, a.weight,
           0 AS users, 0 AS converters, CAST(0 AS FLOAT64) AS rev, CAST(0 AS FLOAT64) AS sq
    FROM arms AS a
    JOIN segment_values AS v ON v.experiment_id = a.experiment_id
    JOIN calendar AS c ON c.d >= a.start_date
    UNION ALL
    SELECT experiment_id, variant, segment, segment_value, DATE(assigned_at), CAST(NULL AS BOOL),
           CAST(NULL AS FLOAT64), 1, 0, CAST(0 AS FLOAT64), CAST(0 AS FLOAT64)
    FROM assigned
    UNION ALL
    SELECT experiment_id, variant, segment, segment_value, d, CAST(NULL AS BOOL), CAST(NULL AS FLOAT64), 0,
           IF(k = 1, 1, 0), CAST(rev AS FLOAT64), CAST(cum * cum - (cum - rev) * (cum - rev) AS FLOAT64)
    FROM user_running
),
per_day AS (
    SELECT experiment_id, variant, segment, segment_value, d, LOGICAL_OR(is_control) AS is_control_any,
           MAX(weight) AS weight_max, SUM(users) AS users, SUM(converters) AS converters, SUM(rev) AS rev,
           SUM(sq) AS sq
    FROM changes
    GROUP BY experiment_id, variant, segment, segment_value, d
),
running AS (
    SELECT experiment_id, variant, segment, segment_value, d,
           LOGICAL_OR(is_control_any) OVER (PARTITION BY experiment_id, variant) AS is_control,
           MAX(weight_max) OVER (PARTITION BY experiment_id, variant) AS weight,
           SUM(users) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS users,
           SUM(converters) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS converters,
           SUM(rev) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS revenue_sum,
           SUM(sq) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS revenue_sum_squares
    FROM per_day
),
valued AS (
    SELECT r.*, SUM(users) OVER (PARTITION BY experiment_id, segment, segment_value, d) AS value_users
    FROM running AS r
    WHERE d >= @from AND d <= @to AND is_control IS NOT NULL
),
ranked AS (
    SELECT v.*,
           IF(segment = 'country' AND DENSE_RANK() OVER (PARTITION BY experiment_id, segment, d
                                                         ORDER BY value_users DESC, segment_value) > 20,
              'other', segment_value) AS bucket
    FROM valued AS v
    WHERE value_users > 0
)
SELECT d AS as_of_date, experiment_id, segment, bucket AS segment_value, variant,
       LOGICAL_OR(is_control) AS is_control, MAX(weight) AS weight,
       SUM(users) AS users, SUM(converters) AS converters,
       ROUND(SUM(revenue_sum), 6) AS revenue_sum, ROUND(SUM(revenue_sum_squares), 6) AS revenue_sum_squares
FROM ranked
GROUP BY d, experiment_id, segment, bucket, variant
ORDER BY as_of_date, experiment_id, segment, segment_value, variant
