-- returns_daily_facts (BigQuery): the facts of returns_daily's breakdowns.
-- Same columns and meaning as sql/duckdb/returns_daily_facts.sql.
SELECT DATE(o.created_at) AS date, o.order_id, o.user_id, oi.product_id,
       o.order_id AS ordered_order,
       IF(o.status = 'Cancelled', o.order_id, NULL) AS cancelled_order,
       IF(o.status <> 'Cancelled', oi.sale_price, NULL) AS gross_sale,
       CAST(NULL AS INT64) AS returned_order, CAST(NULL AS FLOAT64) AS returned_sale
FROM `{{source}}.orders` AS o
LEFT JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
WHERE o.created_at >= TIMESTAMP(@from) AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
UNION ALL
SELECT DATE(o.returned_at) AS date, o.order_id, o.user_id, oi.product_id,
       NULL, NULL, NULL, o.order_id, oi.sale_price
FROM `{{source}}.orders` AS o
LEFT JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
WHERE o.returned_at >= TIMESTAMP(@from) AND o.returned_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
