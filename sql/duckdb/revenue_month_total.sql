-- revenue_month_total (DuckDB): the warehouse's own revenue total over the UTC dates [:from, :to]: the sum of
-- sale_price of the order_items of completed orders (status 'Complete') created in that range, straight from the rows,
-- without the daily grouping and rounding of revenue_daily. The reference of revenue_daily's reconciliation test
-- (jobs/kpis.yml): a month of revenue_daily must add up to it.
SELECT COALESCE(SUM(oi.sale_price), 0) AS total
FROM order_items oi
JOIN orders o ON o.order_id = oi.order_id
WHERE o.status = 'Complete'
  AND o.created_at >= CAST(:from AS TIMESTAMP)
  AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
