-- revenue_month_total (BigQuery): the warehouse's own revenue total per calendar month of the UTC dates
-- [@from, @to] (a month cut by the range counts only its dates inside it): the sum of sale_price of the order_items
-- of completed orders (status 'Complete') created then, straight from the rows, without the daily grouping and
-- rounding of revenue_daily. One row per month that has such an item: month (its first day), total. The reference
-- of revenue_daily's reconciliation test. Same columns and meaning as sql/duckdb/revenue_month_total.sql.
-- {{source}} is the thelook dataset (see BigQuerySql).
SELECT DATE_TRUNC(DATE(o.created_at), MONTH) AS month,
       SUM(oi.sale_price) AS total
FROM `{{source}}.order_items` AS oi
JOIN `{{source}}.orders` AS o ON o.order_id = oi.order_id
WHERE o.status = 'Complete'
  AND o.created_at >= TIMESTAMP(@from)
  AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
GROUP BY month
ORDER BY month
