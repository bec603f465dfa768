-- returns_daily (DuckDB): cancellations and returns per day for every day in [:from, :to] (zero-filled), each dated
-- so that a day's numbers do not change once the day is over:
--   orders, cancelled_orders: orders created that day (any status), and those of them now Cancelled (thelook has no
--     cancellation timestamp: an order cancelled after the run's lookback is counted when its day is rerun);
--     cancel_rate = cancelled_orders / orders;
--   gross_sales: Σ sale_price of the items of that day's orders that are not cancelled;
--   returned_orders, returned_revenue: orders whose orders.returned_at falls on that day (UTC), and Σ sale_price of
--     their items; return_rate = returned_revenue / gross_sales: the day's returns against the day's sales (a flow
--     ratio, not the share of a cohort's orders that come back weeks later).
-- Money is summed as DECIMAL(38, 9) and rounded to cents.
WITH sold AS (
    SELECT CAST(o.created_at AS DATE) AS d, COUNT(*) AS orders,
           COUNT(*) FILTER (WHERE o.status = 'Cancelled') AS cancelled_orders
    FROM orders o
    WHERE o.created_at >= CAST(:from AS TIMESTAMP) AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
    GROUP BY 1
),
sales AS (
    SELECT CAST(o.created_at AS DATE) AS d, SUM(CAST(oi.sale_price AS DECIMAL(38, 9))) AS gross_sales
    FROM orders o
    JOIN order_items oi ON oi.order_id = o.order_id
    WHERE o.status <> 'Cancelled'
      AND o.created_at >= CAST(:from AS TIMESTAMP) AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
    GROUP BY 1
),
returned AS (
    SELECT CAST(o.returned_at AS DATE) AS d, COUNT(DISTINCT o.order_id) AS returned_orders,
           SUM(CAST(oi.sale_price AS DECIMAL(38, 9))) AS returned_revenue
    FROM orders o
    LEFT JOIN order_items oi ON oi.order_id = o.order_id
    WHERE o.returned_at >= CAST(:from AS TIMESTAMP) AND o.returned_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
    GROUP BY 1
),
calendar AS (
    SELECT CAST(:from AS DATE) + CAST(x AS INTEGER) AS d
    FROM range(0, date_diff('day', CAST(:from AS DATE), CAST(:to AS DATE)) + 1) r(x)
)
SELECT c.d AS date,
       CAST(COALESCE(s.orders, 0) AS BIGINT) AS orders,
       CAST(COALESCE(s.cancelled_orders, 0) AS BIGINT) AS cancelled_orders,
       CASE WHEN COALESCE(s.orders, 0) > 0 THEN CAST(s.cancelled_orders AS DOUBLE) / s.orders END AS cancel_rate,
       CAST(ROUND(COALESCE(g.gross_sales, 0), 2) AS DOUBLE) AS gross_sales,
       CAST(COALESCE(r.returned_orders, 0) AS BIGINT) AS returned_orders,
       CAST(ROUND(COALESCE(r.returned_revenue, 0), 2) AS DOUBLE) AS returned_revenue,
       CASE WHEN COALESCE(g.gross_sales, 0) > 0
            THEN CAST(COALESCE(r.returned_revenue, 0) AS DOUBLE) / CAST(g.gross_sales AS DOUBLE) END AS return_rate
FROM calendar c
LEFT JOIN sold s ON s.d = c.d
LEFT JOIN sales g ON g.d = c.d
LEFT JOIN returned r ON r.d = c.d
ORDER BY date
