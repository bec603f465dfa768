-- revenue_daily_facts (BigQuery): the facts of revenue_daily's breakdowns, one row per item of a completed order
-- created in [:from, :to] (UTC; an order without items: one row with item_id and product_id NULL), with the keys its
-- dimensions join on (order_id, user_id, product_id) and sale_price: the same orders, items and revenue as
-- revenue_daily, whose totals the breakdown's total row equals (revenue unrounded).
-- Same columns and meaning as sql/duckdb/revenue_daily_facts.sql.
SELECT DATE(o.created_at) AS date, o.order_id, o.user_id, oi.id AS item_id, oi.product_id, oi.sale_price
FROM `{{source}}.orders` AS o
LEFT JOIN `{{source}}.order_items` AS oi ON oi.order_id = o.order_id
WHERE o.status = 'Complete'
  AND o.created_at >= TIMESTAMP(@from)
  AND o.created_at < TIMESTAMP(DATE_ADD(@to, INTERVAL 1 DAY))
