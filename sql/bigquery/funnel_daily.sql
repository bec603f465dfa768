-- funnel_daily (BigQuery): sessions per day, dated by their first event, reaching each funnel stage
-- home > department > product > cart > purchase (a session reaches a stage when it has an event of that type),
-- for every day in [@from, @to] (zero-filled; a conversion is NULL when its earlier stage is 0).
-- Events are read with a one-day margin on each side, which dates every session correctly as long as a session
-- lasts less than 24 hours (thelook sessions last minutes). Same columns as sql/duckdb/funnel_daily.sql.
WITH sessions AS (
    SELECT session_id,
           MIN(created_at) AS started_at,
           MAX(IF(event_type = 'home', 1, 0)) AS home,
           MAX(IF(event_type = 'department', 1, 0)) AS department,
           MAX(IF(event_type = 'product', 1, 0)) AS product,
           MAX(IF(event_type = 'cart', 1, 0)) AS cart,
           MAX(IF(event_type = 'purchase', 1, 0)) AS purchase
    FROM `{{source}}.events`
    WHERE created_at >= TIMESTAMP(DATE_SUB(@from, INTERVAL 1 DAY))
      AND created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 2 DAY))
    GROUP BY session_id
),
per_day AS (
    SELECT DATE(started_at) AS d, COUNT(*) AS sessions, SUM(home) AS home, SUM(department) AS department,
           SUM(product) AS product, SUM(cart) AS cart, SUM(purchase) AS purchase
    FROM sessions
    WHERE started_at >= TIMESTAMP(@from)
      AND started_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
    GROUP BY d
),
totals AS (
    SELECT cal_d AS d,
           COALESCE(p.sessions, 0) AS sessions,
           COALESCE(p.home, 0) AS home,
           COALESCE(p.department, 0) AS department,
           COALESCE(p.product, 0) AS product,
           COALESCE(p.cart, 0) AS cart,
           COALESCE(p.purchase, 0) AS purchase
    FROM UNNEST(GENERATE_DATE_ARRAY(@from, @to)) AS cal_d
    LEFT JOIN per_day AS p ON p.d = cal_d
)
SELECT d AS date,
       sessions,
       home AS home_sessions,
       department AS department_sessions,
       product AS product_sessions,
       cart AS cart_sessions,
       purchase AS purchase_sessions,
       IF(home > 0, department / home, NULL) AS home_to_department,
       IF(department > 0, product / department, NULL) AS department_to_product,
       IF(product > 0, cart / product, NULL) AS product_to_cart,
       IF(cart > 0, purchase / cart, NULL) AS cart_to_purchase,
       IF(sessions > 0, purchase / sessions, NULL) AS session_conversion
FROM totals
ORDER BY d
