-- returns_daily (BigQuery): cancellations and returns per day for every day in [@from, @to] (zero-filled).
-- Same columns and meaning as sql/duckdb/returns_daily.sql (money summed as NUMERIC and rounded to cents).
WITH sold AS (
    SELECT DATE(o.created_at) AS d, COUNT(*) AS orders, COUNTIF(o.status = 'Cancelled') AS cancelled_orders
    FROM `{{source}}.orders` AS o
    WHERE o.created_at >= TIMESTAMP(@from) AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
    GROUP BY 1
),
sales AS (
    SELECT DATE(o.created_at) AS d, SUM(CAST(oi.sale_price AS NUMERIC)) AS gross_sales
    FROM `{{source}}.orders` AS o
    JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
    WHERE o.status <> 'Cancelled'
      AND o.created_at >= TIMESTAMP(@from) AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
    GROUP BY 1
),
returned AS (
    SELECT DATE(o.returned_at) AS d, COUNT(DISTINCT o.order_id) AS returned_orders,
           SUM(CAST(oi.sale_price AS NUMERIC)) AS returned_revenue
    FROM `{{source}}.orders` AS o
    LEFT JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
    WHERE o.returned_at >= TIMESTAMP(@from) AND o.returned_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
    GROUP BY 1
)
SELECT cal_d AS date,
       COALESCE(s.orders, 0) AS orders,
       COALESCE(s.cancelled_orders, 0) AS cancelled_orders,
       IF(COALESCE(s.orders, 0) > 0, s.cancelled_orders / s.orders, NULL) AS cancel_rate,
       CAST(ROUND(COALESCE(g.gross_sales, 0), 2) AS FLOAT64) AS gross_sales,
       COALESCE(r.returned_orders, 0) AS returned_orders,
       CAST(ROUND(COALESCE(r.returned_revenue, 0), 2) AS FLOAT64) AS returned_revenue,
       IF(COALESCE(g.gross_sales, 0) > 0,
          CAST(COALESCE(r.returned_revenue, 0) AS FLOAT64) / CAST(g.gross_sales AS FLOAT64), NULL) AS return_rate
FROM UNNEST(GENERATE_DATE_ARRAY(@from, @to)) AS cal_d
LEFT JOIN sold AS s ON s.d = cal_d
LEFT JOIN sales AS g ON g.d = cal_d
LEFT JOIN returned AS r ON r.d = cal_d
ORDER BY date
