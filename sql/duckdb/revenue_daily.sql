-- revenue_daily (DuckDB): completed orders per day for every day in [:from, :to] (zero-filled).
-- A completed order has status 'Complete' and is dated by orders.created_at (UTC); its items and revenue are
-- its order_items rows and the sum of their sale_price. Orders are counted once (not per item).
WITH completed AS (
    SELECT o.order_id, CAST(o.created_at AS DATE) AS d
    FROM orders o
    WHERE o.status = 'Complete'
      AND o.created_at >= CAST(:from AS TIMESTAMP)
      AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
),
per_day AS (
    SELECT d, COUNT(*) AS orders, SUM(items) AS items, SUM(revenue) AS revenue
    FROM (
        SELECT c.d, c.order_id, COUNT(oi.id) AS items, COALESCE(SUM(oi.sale_price), 0) AS revenue
        FROM completed c
        LEFT JOIN order_items oi ON oi.order_id = c.order_id
        GROUP BY c.d, c.order_id
    ) per_order
    GROUP BY d
),
calendar AS (
    SELECT CAST(:from AS DATE) + CAST(x AS INTEGER) AS d, 0 AS orders, 0 AS items, 0 AS revenue
    FROM range(0, date_diff('day', CAST(:from AS DATE), CAST(:to AS DATE)) + 1) r(x)
)
SELECT d AS date,
       CAST(SUM(orders) AS BIGINT) AS orders,
       CAST(SUM(items) AS BIGINT) AS items,
       ROUND(SUM(revenue), 2) AS revenue,
       -- revenue / orders rounded half up to cents in exact integer arithmetic: ROUND on the binary double would
       -- turn 133.95 / 2 = 66.975 into 66.97
       CASE WHEN SUM(orders) > 0 THEN
           CAST((2 * CAST(ROUND(SUM(revenue) * 100) AS BIGINT) + SUM(orders)) // (2 * SUM(orders)) AS DOUBLE) / 100
       END AS aov
FROM (
    SELECT d, orders, items, revenue FROM per_day
    UNION ALL
    SELECT d, orders, items, revenue FROM calendar
) u
GROUP BY d
ORDER BY d
