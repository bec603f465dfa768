-- revenue_month_total (BigQuery): the warehouse's own revenue total over the UTC dates [@from, @to]: the sum of
-- sale_price of the order_items of completed orders (status 'Complete') created in that range, straight from the rows,
-- without the daily grouping and rounding of revenue_daily. The reference of revenue_daily's reconciliation test.
-- Same columns and meaning as sql/duckdb/revenue_month_total.sql. {{source}} is the thelook dataset (see BigQuerySql).
SELECT COALESCE(SUM(oi.sale_price), 0) AS total
FROM `{{source}}.order_items` AS oi
JOIN `{{source}}.orders` AS o ON o.order_id = oi.order_id
WHERE o.status = 'Complete'
  AND o.created_at >= TIMESTAMP(@from)
  AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
