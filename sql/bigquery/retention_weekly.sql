-- retention_weekly (BigQuery): signup-week cohorts in [@partition_from, @partition_to] (Mondays) as of business
-- date @to. A user is active in a week when they have at least one event or order created in it; week_n counts
-- whole weeks from the Monday of users.created_at. Weeks 0..12 are zero-filled; weeks that have not begun by @to
-- are absent. Same columns and meaning as sql/duckdb/retention_weekly.sql.
WITH cohort_users AS (
    SELECT id AS user_id, DATE_TRUNC(DATE(created_at), ISOWEEK) AS cohort_week
    FROM `{{source}}.users`
    WHERE created_at >= TIMESTAMP(@partition_from)
      AND created_at < TIMESTAMP(DATE_ADD(@partition_to, INTERVAL 7 DAY))
      AND created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
),
cohort_range_users AS (
    -- as in the H2 query: activity counts for users who signed up in the partition range
    SELECT id AS user_id, DATE_TRUNC(DATE(created_at), ISOWEEK) AS cohort_week
    FROM `{{source}}.users`
    WHERE created_at >= TIMESTAMP(@partition_from)
      AND created_at < TIMESTAMP(DATE_ADD(@partition_to, INTERVAL 7 DAY))
),
activity AS (
    SELECT u.user_id, u.cohort_week, DATE(e.created_at) AS d
    FROM `{{source}}.events` AS e
    JOIN cohort_range_users AS u ON u.user_id = e.user_id
    WHERE e.created_at >= TIMESTAMP(@partition_from)
      AND e.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
    UNION ALL
    SELECT u.user_id, u.cohort_week, DATE(o.created_at) AS d
    FROM `{{source}}.orders` AS o
    JOIN cohort_range_users AS u ON u.user_id = o.user_id
    WHERE o.created_at >= TIMESTAMP(@partition_from)
      AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
),
active AS (
    SELECT cohort_week, DIV(DATE_DIFF(d, cohort_week, DAY), 7) AS week_n, COUNT(DISTINCT user_id) AS n
    FROM activity
    WHERE d >= cohort_week AND d < DATE_ADD(cohort_week, INTERVAL 91 DAY)
    GROUP BY cohort_week, week_n
),
sizes AS (
    SELECT cohort_week, COUNT(*) AS cohort_users
    FROM cohort_users
    GROUP BY cohort_week
),
grid AS (
    SELECT s.cohort_week, w AS week_n, s.cohort_users
    FROM sizes AS s
    CROSS JOIN UNNEST(GENERATE_ARRAY(0, 12)) AS w
    WHERE DATE_ADD(s.cohort_week, INTERVAL 7 * w DAY) <= @to
)
SELECT g.cohort_week,
       g.week_n,
       g.cohort_users,
       COALESCE(a.n, 0) AS active_users,
       COALESCE(a.n, 0) / g.cohort_users AS retention_rate,
       @to AS as_of_date
FROM grid AS g
LEFT JOIN active AS a ON a.cohort_week = g.cohort_week AND a.week_n = g.week_n
ORDER BY g.cohort_week, g.week_n
