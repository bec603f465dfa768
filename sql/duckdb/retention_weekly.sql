-- retention_weekly (DuckDB): signup-week cohorts in [:partition_from, :partition_to] (Mondays) as of business date
-- :to. A user is active in a week when they have at least one event or order created in it; week_n counts whole
-- weeks from the Monday of users.created_at (date_trunc('week') is the ISO Monday). Weeks 0..12 are zero-filled;
-- weeks that have not begun by :to are absent.
WITH cohort_users AS (
    SELECT id AS user_id,
           CAST(date_trunc('week', created_at) AS DATE) AS cohort_week
    FROM users
    WHERE created_at >= CAST(:partition_from AS TIMESTAMP)
      AND created_at < CAST(:partition_to AS TIMESTAMP) + INTERVAL 7 DAY
      AND created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
),
activity AS (
    SELECT u.id AS user_id, CAST(date_trunc('week', u.created_at) AS DATE) AS cohort_week,
           CAST(e.created_at AS DATE) AS d
    FROM events e
    JOIN users u ON u.id = e.user_id
    WHERE e.created_at >= CAST(:partition_from AS TIMESTAMP)
      AND e.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
      AND u.created_at >= CAST(:partition_from AS TIMESTAMP)
      AND u.created_at < CAST(:partition_to AS TIMESTAMP) + INTERVAL 7 DAY
    UNION ALL
    SELECT u.id, CAST(date_trunc('week', u.created_at) AS DATE), CAST(o.created_at AS DATE)
    FROM orders o
    JOIN users u ON u.id = o.user_id
    WHERE o.created_at >= CAST(:partition_from AS TIMESTAMP)
      AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
      AND u.created_at >= CAST(:partition_from AS TIMESTAMP)
      AND u.created_at < CAST(:partition_to AS TIMESTAMP) + INTERVAL 7 DAY
),
facts AS (
    -- cohort sizes (week_n = -1), distinct active users per cohort week, and a zero for every week 0..12 (zero-fill)
    SELECT cohort_week, -1 AS week_n, COUNT(*) AS n FROM cohort_users GROUP BY cohort_week
    UNION ALL
    SELECT cohort_week, CAST(date_diff('day', cohort_week, d) // 7 AS INTEGER), COUNT(DISTINCT user_id)
    FROM activity
    WHERE d >= cohort_week AND d < cohort_week + 7 * 13
    GROUP BY cohort_week, date_diff('day', cohort_week, d) // 7
    UNION ALL
    SELECT c.cohort_week, CAST(w.x AS INTEGER), 0
    FROM (SELECT DISTINCT cohort_week FROM cohort_users) c
    CROSS JOIN range(0, 13) w(x)
),
cells AS (
    SELECT cohort_week, week_n, CAST(SUM(n) AS BIGINT) AS n FROM facts GROUP BY cohort_week, week_n
),
sized AS (
    SELECT cohort_week, week_n, n,
           MAX(CASE WHEN week_n = -1 THEN n END) OVER (PARTITION BY cohort_week) AS cohort_users
    FROM cells
)
SELECT cohort_week,
       week_n,
       cohort_users,
       n AS active_users,
       CAST(n AS DOUBLE) / cohort_users AS retention_rate,
       CAST(:to AS DATE) AS as_of_date
FROM sized
WHERE week_n >= 0 AND cohort_week + 7 * week_n <= CAST(:to AS DATE)
ORDER BY cohort_week, week_n
