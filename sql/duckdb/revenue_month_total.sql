-- revenue_month_total (DuckDB): the warehouse's own revenue total per calendar month of the UTC dates [:from, :to]
-- (a month cut by the range counts only its dates inside it): the sum of sale_price of the order_items of completed
-- orders (status 'Complete') created then, straight from the rows, without the daily grouping and rounding of
-- revenue_daily. One row per month that has such an item: month (its first day), total. The reference of
-- revenue_daily's reconciliation test (jobs/kpis.yml): a month of revenue_daily must add up to it.
SELECT CAST(DATE_TRUNC('month', o.created_at) AS DATE) AS month,
       SUM(oi.sale_price) AS total
FROM order_items oi
JOIN orders o ON o.order_id = oi.order_id
WHERE o.status = 'Complete'
  AND o.created_at >= CAST(:from AS TIMESTAMP)
  AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
GROUP BY 1
ORDER BY 1
