-- margin_daily_facts (BigQuery): the facts of margin_daily's breakdowns.
-- Same columns and meaning as sql/duckdb/margin_daily_facts.sql.
SELECT DATE(o.created_at) AS date, o.order_id, o.user_id, oi.id AS item_id, oi.product_id, oi.sale_price,
       COALESCE(ii.cost, 0) AS cost, oi.sale_price - COALESCE(ii.cost, 0) AS margin
FROM `{{source}}.orders` AS o
JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
LEFT JOIN `{{source}}.inventory_items` AS ii ON ii.id = oi.inventory_item_id
WHERE o.status = 'Complete'
  AND o.created_at >= TIMESTAMP(@from)
  AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
