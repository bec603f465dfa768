-- revenue_daily (BigQuery): completed orders per day for every day in [@from, @to] (zero-filled).
-- A completed order has status 'Complete' and is dated by orders.created_at (UTC); its items and revenue are
-- its order_items rows and the sum of their sale_price. Orders are counted once (not per item).
-- Same columns and meaning as sql/duckdb/revenue_daily.sql. {{source}} is the thelook dataset (see BigQuerySql).
WITH completed AS (
    SELECT o.order_id, DATE(o.created_at) AS d
    FROM `{{source}}.orders` AS o
    WHERE o.status = 'Complete'
      AND o.created_at >= TIMESTAMP(@from)
      AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
),
per_order AS (
    SELECT c.d, c.order_id, COUNT(oi.id) AS items, COALESCE(SUM(oi.sale_price), 0) AS revenue
    FROM completed AS c
    LEFT JOIN `{{source}}.order_items` AS oi ON oi.order_id = c.order_id
    GROUP BY c.d, c.order_id
),
per_day AS (
    SELECT d, COUNT(*) AS orders, SUM(items) AS items, SUM(revenue) AS revenue
    FROM per_order
    GROUP BY d
)
SELECT cal_d AS date,
       COALESCE(p.orders, 0) AS orders,
       COALESCE(p.items, 0) AS items,
       ROUND(COALESCE(p.revenue, 0), 2) AS revenue,
       -- NUMERIC: 133.95 / 2 = 66.975 rounds to 66.98 (ROUND on the FLOAT64 66.974999… would give 66.97)
       IF(COALESCE(p.orders, 0) > 0, CAST(ROUND(CAST(p.revenue AS NUMERIC) / p.orders, 2) AS FLOAT64), NULL) AS aov
FROM UNNEST(GENERATE_DATE_ARRAY(@from, @to)) AS cal_d
LEFT JOIN per_day AS p ON p.d = cal_d
ORDER BY date
