-- revenue_daily_facts (DuckDB): the facts of revenue_daily's breakdowns, one row per item of a completed order
-- created in [:from, :to] (UTC; an order without items: one row with item_id and product_id NULL), with the keys its
-- dimensions join on (order_id, user_id, product_id) and sale_price: the same orders, items and revenue as
-- revenue_daily, whose totals the breakdown's total row equals (revenue unrounded).
SELECT CAST(o.created_at AS DATE) AS date, o.order_id, o.user_id, oi.id AS item_id, oi.product_id, oi.sale_price
FROM orders o
LEFT JOIN order_items oi ON oi.order_id = o.order_id
WHERE o.status = 'Complete'
  AND o.created_at >= CAST(:from AS TIMESTAMP)
  AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
