-- margin_daily (DuckDB): gross margin of completed orders per day for every day in [:from, :to] (zero-filled):
-- revenue (Σ sale_price of their items, as revenue_daily), cost (Σ inventory_items.cost of the inventory item each
-- order item sold; an item without an inventory row has no known cost and counts 0), gross_margin = revenue − cost
-- and margin_pct = gross_margin / revenue (a share; null without revenue). Prices and costs are summed as
-- DECIMAL(38, 9) (exact: the sums do not depend on the order of addition), revenue and cost then rounded to cents as
-- revenue_daily rounds revenue, and gross_margin is the difference of the two rounded sums.
WITH items AS (
    SELECT CAST(o.created_at AS DATE) AS d,
           CAST(oi.sale_price AS DECIMAL(38, 9)) AS sale_price,
           CAST(COALESCE(ii.cost, 0) AS DECIMAL(38, 9)) AS cost
    FROM orders o
    JOIN order_items oi ON oi.order_id = o.order_id
    LEFT JOIN inventory_items ii ON ii.id = oi.inventory_item_id
    WHERE o.status = 'Complete'
      AND o.created_at >= CAST(:from AS TIMESTAMP)
      AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
),
per_day AS (
    SELECT d, ROUND(SUM(sale_price), 2) AS revenue, ROUND(SUM(cost), 2) AS cost FROM items GROUP BY d
),
calendar AS (
    SELECT CAST(:from AS DATE) + CAST(x AS INTEGER) AS d
    FROM range(0, date_diff('day', CAST(:from AS DATE), CAST(:to AS DATE)) + 1) r(x)
)
SELECT c.d AS date,
       CAST(COALESCE(p.revenue, 0) AS DOUBLE) AS revenue,
       CAST(COALESCE(p.cost, 0) AS DOUBLE) AS cost,
       CAST(COALESCE(p.revenue, 0) - COALESCE(p.cost, 0) AS DOUBLE) AS gross_margin,
       CASE WHEN COALESCE(p.revenue, 0) > 0 THEN CAST((p.revenue - p.cost) / p.revenue AS DOUBLE) END AS margin_pct
FROM calendar c
LEFT JOIN per_day p ON p.d = c.d
ORDER BY date
