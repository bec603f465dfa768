-- margin_daily (BigQuery): gross margin of completed orders per day for every day in [@from, @to] (zero-filled).
-- Same columns and meaning as sql/duckdb/margin_daily.sql (prices and costs summed as NUMERIC, 9 decimals).
WITH items AS (
    SELECT DATE(o.created_at) AS d,
           CAST(oi.sale_price AS NUMERIC) AS sale_price,
           CAST(COALESCE(ii.cost, 0) AS NUMERIC) AS cost
    FROM `{{source}}.orders` AS o
    JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
    LEFT JOIN `{{source}}.inventory_items` AS ii ON ii.id = oi.inventory_item_id
    WHERE o.status = 'Complete'
      AND o.created_at >= TIMESTAMP(@from)
      AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
),
per_day AS (
    SELECT d, ROUND(SUM(sale_price), 2) AS revenue, ROUND(SUM(cost), 2) AS cost FROM items GROUP BY d
)
SELECT cal_d AS date,
       CAST(COALESCE(p.revenue, 0) AS FLOAT64) AS revenue,
       CAST(COALESCE(p.cost, 0) AS FLOAT64) AS cost,
       CAST(COALESCE(p.revenue, 0) - COALESCE(p.cost, 0) AS FLOAT64) AS gross_margin,
       -- divided in FLOAT64: a NUMERIC quotient keeps only 9 decimals
       IF(COALESCE(p.revenue, 0) > 0, CAST(p.revenue - p.cost AS FLOAT64) / CAST(p.revenue AS FLOAT64), NULL)
           AS margin_pct
FROM UNNEST(GENERATE_DATE_ARRAY(@from, @to)) AS cal_d
LEFT JOIN per_day AS p ON p.d = cal_d
ORDER BY date
