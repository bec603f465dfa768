-- ab_segments (DuckDB): ab_metrics by segment, for the recent as-of dates only. For every as-of business date in
-- [:from, :to] from :capped_from on (the job passes the last 7 business dates up to yesterday, whatever the run's
-- range, so any run, rerun or backfill writes the same rows for a date; earlier dates get no row: segment results
-- are read as of a recent date, and a daily snapshot of every date since the first experiment would cost every
-- backfill its writes), per experiment, segment attribute, segment value and variant: users assigned by the end of
-- that date, converters (assigned users with a completed order created at or after their assignment and by the end
-- of that date), and the sum and sum of squares over users of that post-assignment completed revenue: the same
-- definitions as sql/duckdb/ab_metrics.sql (daily changes accumulated with running sums; a user's squared revenue
-- grows by cum^2 - (cum - rev)^2 on each day their cumulative revenue grows by rev), restricted to the users of the
-- segment value. Segment attributes:
--   traffic_source  users.traffic_source
--   country         users.country; the 20 countries with the most users assigned to the experiment by the end of
--                   the as-of date (all arms together; ties by country name) keep their name, the others are summed
--                   into 'other' (so the top 20 is as of each date, computed from that date's data alone)
--   browser         events.browser of the user's first event (earliest created_at, then lowest id) before the end
--                   of :to; a user whose first event comes after their assignment gets it on a run after that event
-- A missing attribute is '(unknown)'. A segment value appears on a date once one of its users is assigned (any arm);
-- from then on every arm has a row (an arm without users in it: zeros). Pre-period, capped and guardrail sums are
-- not segmented.
--
-- How it is computed: changes dated before the first kept date are summed into it (a user's squares telescope:
-- Σ over days of cum² - (cum - rev)² = cum²); revenue per completed order is summed from its items once and joined
-- to the assignments once; each user's changes are counted once per combination of their three attributes and only
-- then split by segment. Revenue is summed as DECIMAL(38, 9) (sale_price rounded to 9 decimals): exact, so the sums
-- do not depend on the order of addition or on how days are grouped.
WITH arms AS (
    SELECT v.experiment_id, v.variant, v.is_control, v.weight, e.start_date
    FROM experiment_variants v
    JOIN experiments e ON e.experiment_id = v.experiment_id
    WHERE e.start_date <= CAST(:to AS DATE)
),
calendar AS (
    -- the as-of dates kept: from :capped_from (and :from, and the first experiment's start) to :to
    SELECT GREATEST(CAST(:from AS DATE), CAST(:capped_from AS DATE), (SELECT MIN(start_date) FROM experiments))
               + CAST(x AS INTEGER) AS d
    FROM range(0, date_diff('day', GREATEST(CAST(:from AS DATE), CAST(:capped_from AS DATE),
                                            (SELECT MIN(start_date) FROM experiments)), CAST(:to AS DATE)) + 1) r(x)
),
first_browser AS (
    -- the browser of each user's first event: the smallest (created_at, id), as one HUGEINT key (epoch microseconds
    -- × 2^64 + id orders as the pair does: a BIGINT id spans less than 2^64)
    SELECT user_id,
           arg_min(COALESCE(browser, '(unknown)'), CAST(epoch_us(created_at) AS HUGEINT) * 18446744073709551616 + id)
               AS browser
    FROM events
    WHERE user_id IS NOT NULL AND created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
    GROUP BY user_id
),
order_revenue AS (
    -- completed orders created by the end of :to with their revenue (the sum of their items)
    SELECT o.user_id, o.created_at, SUM(CAST(oi.sale_price AS DECIMAL(38, 9))) AS rev
    FROM orders o
    JOIN order_items oi ON oi.order_id = o.order_id
    WHERE o.status = 'Complete' AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
    GROUP BY o.order_id, o.user_id, o.created_at
),
assigned AS (
    -- assignments by the end of :to (none when the first kept date is after :to); run_d = the assignment day, or the
    -- first kept date (the later of :from and :capped_from) if earlier
    SELECT experiment_id, variant, user_id, assigned_at, CAST(assigned_at AS DATE) AS d,
           GREATEST(CAST(assigned_at AS DATE), CAST(:from AS DATE), CAST(:capped_from AS DATE)) AS run_d
    FROM assignments
    WHERE assigned_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
      AND GREATEST(CAST(:from AS DATE), CAST(:capped_from AS DATE)) <= CAST(:to AS DATE)
),
user_day AS (
    -- post-assignment completed revenue per user and day (days before the first kept date summed into it; present:
    -- the day itself has an order)
    SELECT experiment_id, variant, user_id, run_d AS d, MAX(d) = run_d AS present, SUM(rev) AS rev
    FROM (SELECT a.experiment_id, a.variant, a.user_id, CAST(o.created_at AS DATE) AS d, o.rev,
                 GREATEST(CAST(o.created_at AS DATE), CAST(:from AS DATE), CAST(:capped_from AS DATE)) AS run_d
          FROM assigned a
          JOIN order_revenue o ON o.user_id = a.user_id AND o.created_at >= a.assigned_at) ao
    GROUP BY experiment_id, variant, user_id, run_d
),
user_changes AS (
    -- each user's changes: the assignment, then per day with revenue the conversion (the first such day), the
    -- revenue and the growth of its square
    SELECT experiment_id, variant, user_id, run_d AS d, d = run_d AS present,
           1 AS users, 0 AS converters, CAST(0 AS DECIMAL(38, 9)) AS rev, CAST(0 AS DECIMAL(38, 18)) AS sq
    FROM assigned
    UNION ALL
    SELECT experiment_id, variant, user_id, d, present, 0, CASE WHEN k = 1 THEN 1 ELSE 0 END, rev,
           cum * cum - (cum - rev) * (cum - rev)
    FROM (SELECT experiment_id, variant, user_id, d, present, rev,
                 SUM(rev) OVER (PARTITION BY experiment_id, user_id ORDER BY d) AS cum,
                 ROW_NUMBER() OVER (PARTITION BY experiment_id, user_id ORDER BY d) AS k
          FROM user_day) r
),
combination_day AS (
    -- the changes per arm, day and combination of the user's three attributes
    SELECT c.experiment_id, c.variant, COALESCE(u.traffic_source, '(unknown)') AS traffic_source,
           COALESCE(u.country, '(unknown)') AS country, COALESCE(f.browser, '(unknown)') AS browser, c.d,
           BOOL_OR(c.present) AS present, SUM(c.users) AS users, SUM(c.converters) AS converters,
           SUM(c.rev) AS rev, SUM(c.sq) AS sq
    FROM user_changes c
    LEFT JOIN users u ON u.id = c.user_id
    LEFT JOIN first_browser f ON f.user_id = c.user_id
    GROUP BY c.experiment_id, c.variant, COALESCE(u.traffic_source, '(unknown)'), COALESCE(u.country, '(unknown)'),
             COALESCE(f.browser, '(unknown)'), c.d
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
           0 AS users, 0 AS converters, CAST(0 AS DECIMAL(38, 9)) AS rev, CAST(0 AS DECIMAL(38, 18)) AS sq
    FROM arms a
    JOIN segment_values v ON v.experiment_id = a.experiment_id
    JOIN calendar c ON c.d >= a.start_date
    UNION ALL
    SELECT experiment_id, variant, segment, segment_value, d, present, users, converters, rev, sq
    FROM segment_day
),
per_day AS (
    SELECT experiment_id, variant, segment, segment_value, d, BOOL_OR(present) AS present,
           SUM(users) AS users, SUM(converters) AS converters, SUM(rev) AS rev, SUM(sq) AS sq
    FROM changes
    GROUP BY experiment_id, variant, segment, segment_value, d
),
running AS (
    SELECT experiment_id, variant, segment, segment_value, d, present,
           SUM(users) OVER w AS users, SUM(converters) OVER w AS converters,
           SUM(rev) OVER w AS revenue_sum, SUM(sq) OVER w AS revenue_sum_squares
    FROM per_day
    WINDOW w AS (PARTITION BY experiment_id, segment, segment_value, variant ORDER BY d)
),
valued AS (
    SELECT r.*, a.is_control, a.weight,
           SUM(r.users) OVER (PARTITION BY r.experiment_id, r.segment, r.segment_value, r.d) AS value_users
    FROM running r
    JOIN arms a ON a.experiment_id = r.experiment_id AND a.variant = r.variant
    WHERE r.present
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
       CAST(ROUND(SUM(revenue_sum), 6) AS DOUBLE) AS revenue_sum,
       CAST(ROUND(SUM(revenue_sum_squares), 6) AS DOUBLE) AS revenue_sum_squares
FROM ranked
GROUP BY d, experiment_id, segment,
         CASE WHEN segment = 'country' AND value_rank > 20 THEN 'other' ELSE segment_value END, variant
ORDER BY as_of_date, experiment_id, segment, segment_value, variant
