-- funnel_daily (DuckDB): sessions per day, dated by their first event, reaching each funnel stage
-- home > department > product > cart > purchase (a session reaches a stage when it has an event of that type).
-- Events are read with a one-day margin on each side, which dates every session correctly as long as a session
-- lasts less than 24 hours (thelook sessions last minutes).
WITH sessions AS (
    SELECT session_id,
           MIN(created_at) AS started_at,
           MAX(CASE WHEN event_type = 'home' THEN 1 ELSE 0 END) AS home,
           MAX(CASE WHEN event_type = 'department' THEN 1 ELSE 0 END) AS department,
           MAX(CASE WHEN event_type = 'product' THEN 1 ELSE 0 END) AS product,
           MAX(CASE WHEN event_type = 'cart' THEN 1 ELSE 0 END) AS cart,
           MAX(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS purchase
    FROM events
    WHERE created_at >= CAST(:from AS TIMESTAMP) - INTERVAL 1 DAY
      AND created_at < CAST(:to AS TIMESTAMP) + INTERVAL 2 DAY
    GROUP BY session_id
),
per_day AS (
    SELECT CAST(started_at AS DATE) AS d, COUNT(*) AS sessions, SUM(home) AS home, SUM(department) AS department,
           SUM(product) AS product, SUM(cart) AS cart, SUM(purchase) AS purchase
    FROM sessions
    WHERE started_at >= CAST(:from AS TIMESTAMP)
      AND started_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
    GROUP BY CAST(started_at AS DATE)
),
calendar AS (
    SELECT CAST(:from AS DATE) + CAST(x AS INTEGER) AS d, 0 AS sessions, 0 AS home, 0 AS department,
           0 AS product, 0 AS cart, 0 AS purchase
    FROM range(0, date_diff('day', CAST(:from AS DATE), CAST(:to AS DATE)) + 1) r(x)
),
totals AS (
    SELECT d, CAST(SUM(sessions) AS BIGINT) AS sessions, CAST(SUM(home) AS BIGINT) AS home,
           CAST(SUM(department) AS BIGINT) AS department, CAST(SUM(product) AS BIGINT) AS product,
           CAST(SUM(cart) AS BIGINT) AS cart, CAST(SUM(purchase) AS BIGINT) AS purchase
    FROM (SELECT * FROM per_day UNION ALL SELECT * FROM calendar) u
    GROUP BY d
)
SELECT d AS date,
       sessions,
       home AS home_sessions,
       department AS department_sessions,
       product AS product_sessions,
       cart AS cart_sessions,
       purchase AS purchase_sessions,
       CASE WHEN home > 0 THEN CAST(department AS DOUBLE) / home END AS home_to_department,
       CASE WHEN department > 0 THEN CAST(product AS DOUBLE) / department END AS department_to_product,
       CASE WHEN product > 0 THEN CAST(cart AS DOUBLE) / product END AS product_to_cart,
       CASE WHEN cart > 0 THEN CAST(purchase AS DOUBLE) / cart END AS cart_to_purchase,
       CASE WHEN sessions > 0 THEN CAST(purchase AS DOUBLE) / sessions END AS session_conversion
FROM totals
ORDER BY d
