-- ab_segments (BigQuery): ab_metrics by segment, for the recent as-of dates only. For every as-of business date in
-- [@from, @to] from @capped_from on (the job passes the last 7 business dates up to yesterday, whatever the run's
-- range, so any run, rerun or backfill writes the same rows for a date; earlier dates get no row: segment results
-- are read as of a recent date, and a daily snapshot of every date since the first experiment would cost every
-- backfill its writes), per experiment, segment attribute, segment value and variant: users assigned by the end of
-- that date, converters (assigned users with a completed order created at or after their assignment and by the end
-- of that date), and the sum and sum of squares over users of that post-assignment completed revenue. Same columns
-- and meaning as sql/duckdb/ab_segments.sql: the definitions of ab_metrics restricted to the users of the segment
-- value. Segment attributes:
--   traffic_source  users.traffic_source
--   country         users.country; the 20 countries with the most users assigned to the experiment by the end of
--                   the as-of date (all arms together; ties by country name) keep their name, the others are summed
--                   into 'other' (so the top 20 is as of each date, computed from that date's data alone)
--   browser         events.browser of the user's first event (earliest created_at, then lowest id) before the end
--                   of @to; a user whose first event comes after their assignment gets it on a run after that event
-- A missing attribute is '(unknown)'. A segment value appears on a date once one of its users is assigned (any arm);
-- from then on every arm has a row (an arm without users in it: zeros). Pre-period, capped and guardrail sums are
-- not segmented. The experiment tables come from the same two blocks as ab_metrics.sql (see there).
--
-- Computed as the DuckDB version computes it: changes dated before the first kept date summed into it (a user's
-- squares telescope: Σ over days of cum² - (cum - rev)² = cum²); revenue per completed order summed from its items
-- once and joined to the assignments once; each user's changes counted once per combination of their three
-- attributes and only then split by segment; revenue summed as NUMERIC (sale_price rounded to 9 decimals): exact, so
-- the sums do not depend on the order of addition or on how days are grouped.
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
bounds AS (
    -- first: the first as-of date kept; changes before it are summed into it
    SELECT GREATEST(@from, @capped_from) AS first, TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY)) AS end_ts
),
calendar AS (
    SELECT d
    FROM bounds AS b
    CROSS JOIN (SELECT MIN(start_date) AS first_start FROM experiments) AS s
    CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(GREATEST(b.first, s.first_start), @to)) AS d
),
first_browser AS (
    -- the browser of each user's first event: the smallest (created_at, id)
    SELECT e.user_id,
           ARRAY_AGG(IFNULL(e.browser, '(unknown)') ORDER BY e.created_at, e.id LIMIT 1)[OFFSET(0)] AS browser
    FROM `{{source}}.events` AS e
    CROSS JOIN bounds AS b
    WHERE e.user_id IS NOT NULL AND e.created_at < b.end_ts
    GROUP BY e.user_id
),
order_revenue AS (
    -- completed orders created by the end of @to with their revenue (the sum of their items)
    SELECT o.user_id, o.created_at, SUM(CAST(oi.sale_price AS NUMERIC)) AS rev
    FROM `{{source}}.orders` AS o
    JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
    CROSS JOIN bounds AS b
    WHERE o.status = 'Complete' AND o.created_at < b.end_ts
    GROUP BY o.order_id, o.user_id, o.created_at
),
assigned AS (
    -- assignments by the end of @to (none when the first kept date is after @to)
    SELECT a.experiment_id, a.variant, a.user_id, a.assigned_at
    FROM assignments AS a
    CROSS JOIN bounds AS b
    WHERE a.assigned_at < b.end_ts AND b.first <= @to
),
user_day AS (
    -- post-assignment completed revenue per user and day (days before the first kept date summed into it; present:
    -- the day itself has an order)
    SELECT a.experiment_id, a.variant, a.user_id, GREATEST(DATE(o.created_at), b.first) AS d,
           MAX(DATE(o.created_at)) >= b.first AS present, SUM(o.rev) AS rev
    FROM assigned AS a
    CROSS JOIN bounds AS b
    JOIN order_revenue AS o ON o.user_id = a.user_id AND o.created_at >= a.assigned_at
    GROUP BY a.experiment_id, a.variant, a.user_id, d, b.first
),
user_changes AS (
    -- each user's changes: the assignment, then per day with revenue the conversion (the first such day), the
    -- revenue and the growth of its square
    SELECT a.experiment_id, a.variant, a.user_id, GREATEST(DATE(a.assigned_at), b.first) AS d,
           DATE(a.assigned_at) >= b.first AS present,
           1 AS users, 0 AS converters, CAST(0 AS NUMERIC) AS rev, CAST(0 AS NUMERIC) AS sq
    FROM assigned AS a
    CROSS JOIN bounds AS b
    UNION ALL
    SELECT experiment_id, variant, user_id, d, present, 0, IF(k = 1, 1, 0), rev, cum * cum - (cum - rev) * (cum - rev)
    FROM (SELECT experiment_id, variant, user_id, d, present, rev,
                 SUM(rev) OVER (PARTITION BY experiment_id, user_id ORDER BY d) AS cum,
                 ROW_NUMBER() OVER (PARTITION BY experiment_id, user_id ORDER BY d) AS k
          FROM user_day) AS r
),
combination_day AS (
    -- the changes per arm, day and combination of the user's three attributes
    SELECT c.experiment_id, c.variant, IFNULL(u.traffic_source, '(unknown)') AS traffic_source,
           IFNULL(u.country, '(unknown)') AS country, IFNULL(f.browser, '(unknown)') AS browser, c.d,
           LOGICAL_OR(c.present) AS present, SUM(c.users) AS users, SUM(c.converters) AS converters,
           SUM(c.rev) AS rev, SUM(c.sq) AS sq
    FROM user_changes AS c
    LEFT JOIN `{{source}}.users` AS u ON u.id = c.user_id
    LEFT JOIN first_browser AS f ON f.user_id = c.user_id
    GROUP BY c.experiment_id, c.variant, traffic_source, country, browser, c.d
),
segment_day AS (
    SELECT experiment_id, variant, 'traffic_source' AS segment, traffic_source AS segment_value, d, present, users,
           converters, rev, sq
    FROM combination_day
    UNION ALL
    SELECT experiment_id, variant, 'country', country, d, present, users, converters, rev, sq FROM combination_day
    UNION ALL
    SELECT experiment_id, variant, 'browser', browser, d, present, users, converters, rev, sq FROM combination_day
),
segment_values AS (
    SELECT DISTINCT experiment_id, segment, segment_value FROM segment_day
),
changes AS (
    -- present: the row's own date has a change or a calendar row (a date whose only changes were summed into it
    -- from earlier dates gets no row, as it would not without that summing)
    SELECT a.experiment_id, a.variant, v.segment, v.segment_value, c.d, TRUE AS present,
           0 AS users, 0 AS converters, CAST(0 AS NUMERIC) AS rev, CAST(0 AS NUMERIC) AS sq
    FROM arms AS a
    JOIN segment_values AS v ON v.experiment_id = a.experiment_id
    JOIN calendar AS c ON c.d >= a.start_date
    UNION ALL
    SELECT experiment_id, variant, segment, segment_value, d, present, users, converters, rev, sq
    FROM segment_day
),
per_day AS (
    SELECT experiment_id, variant, segment, segment_value, d, LOGICAL_OR(present) AS present,
           SUM(users) AS users, SUM(converters) AS converters, SUM(rev) AS rev, SUM(sq) AS sq
    FROM changes
    GROUP BY experiment_id, variant, segment, segment_value, d
),
running AS (
    SELECT experiment_id, variant, segment, segment_value, d, present,
           SUM(users) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS users,
           SUM(converters) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS converters,
           SUM(rev) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d) AS revenue_sum,
           SUM(sq) OVER (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d)
               AS revenue_sum_squares
    FROM per_day
),
valued AS (
    SELECT r.*, a.is_control, a.weight,
           SUM(r.users) OVER (PARTITION BY r.experiment_id, r.segment, r.segment_value, r.d) AS value_users
    FROM running AS r
    JOIN arms AS a ON a.experiment_id = r.experiment_id AND a.variant = r.variant
    WHERE r.present
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
       CAST(ROUND(SUM(revenue_sum), 6) AS FLOAT64) AS revenue_sum,
       CAST(ROUND(SUM(revenue_sum_squares), 6) AS FLOAT64) AS revenue_sum_squares
FROM ranked
GROUP BY d, experiment_id, segment, bucket, variant
ORDER BY as_of_date, experiment_id, segment, segment_value, variant
