-- retention_weekly (H2): signup-week cohorts in [:partition_from, :partition_to] (Mondays) as of business date :to.
-- A user is active in a week when they have at least one event or order created in it; week_n counts whole weeks
-- from the Monday of users.created_at. Weeks 0..12 are zero-filled; weeks that have not begun by :to are absent.
WITH cohort_users AS (
    SELECT id AS user_id,
           DATEADD(DAY, 1 - ISO_DAY_OF_WEEK(created_at), CAST(created_at AS DATE)) AS cohort_week
    FROM users
    WHERE created_at >= CAST(:partition_from AS TIMESTAMP)
      AND created_at < DATEADD(DAY, 7, CAST(:partition_to AS TIMESTAMP))
      AND created_at < DATEADD(DAY, 1, CAST(:to AS TIMESTAMP))
),
activity AS (
    SELECT u.id AS user_id,
           DATEADD(DAY, 1 - ISO_DAY_OF_WEEK(u.created_at), CAST(u.created_at AS DATE)) AS cohort_week,
           CAST(e.created_at AS DATE) AS d
    FROM events e
    JOIN users u ON u.id = e.user_id
    WHERE e.created_at >= CAST(:partition_from AS TIMESTAMP)
      AND e.created_at < DATEADD(DAY, 1, CAST(:to AS TIMESTAMP))
      AND u.created_at >= CAST(:partition_from AS TIMESTAMP)
      AND u.created_at < DATEADD(DAY, 7, CAST(:partition_to AS TIMESTAMP))
    UNION ALL
    SELECT u.id,
           DATEADD(DAY, 1 - ISO_DAY_OF_WEEK(u.created_at), CAST(u.created_at AS DATE)),
           CAST(o.created_at AS DATE)
    FROM orders o
    JOIN users u ON u.id = o.user_id
    WHERE o.created_at >= CAST(:partition_from AS TIMESTAMP)
      AND o.created_at < DATEADD(DAY, 1, CAST(:to AS TIMESTAMP))
      AND u.created_at >= CAST(:partition_from AS TIMESTAMP)
      AND u.created_at < DATEADD(DAY, 7, CAST(:partition_to AS TIMESTAMP))
),
facts AS (
    -- one pass over the activity: cohort sizes (week_n = -1), distinct active users per cohort week, and a zero
    -- for every week 0..12 that has begun by :to (zero-fill); no join between derived tables (slow on H2)
    SELECT cohort_week, -1 AS week_n, COUNT(*) AS n FROM cohort_users GROUP BY cohort_week
    UNION ALL
    SELECT cohort_week, DATEDIFF(DAY, cohort_week, d) / 7, COUNT(DISTINCT user_id)
    FROM activity
    WHERE d >= cohort_week AND d < DATEADD(DAY, 7 * 13, cohort_week)
    GROUP BY cohort_week, DATEDIFF(DAY, cohort_week, d) / 7
    UNION ALL
    SELECT c.cohort_week, CAST(w.x AS INTEGER), 0
    FROM (SELECT DISTINCT cohort_week FROM cohort_users) c
    CROSS JOIN SYSTEM_RANGE(0, 12) w
),
cells AS (
    SELECT cohort_week, week_n, SUM(n) AS n FROM facts GROUP BY cohort_week, week_n
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
       CAST(n AS DOUBLE PRECISION) / cohort_users AS retention_rate,
       CAST(:to AS DATE) AS as_of_date
FROM sized
WHERE week_n >= 0 AND DATEADD(DAY, 7 * week_n, cohort_week) <= CAST(:to AS DATE)
ORDER BY cohort_week, week_n
