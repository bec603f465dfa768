-- margin_daily_facts (DuckDB): the facts of margin_daily's breakdowns, one row per item of a completed order created
-- in [:from, :to] (UTC) with the keys its dimensions join on (order_id, user_id, product_id), its sale price, the
-- cost of the inventory item it sold (0 without an inventory row, as margin_daily) and their difference (unrounded).
SELECT CAST(o.created_at AS DATE) AS date, o.order_id, o.user_id, oi.id AS item_id, oi.product_id, oi.sale_price,
       COALESCE(ii.cost, 0) AS cost, oi.sale_price - COALESCE(ii.cost, 0) AS margin
FROM orders o
JOIN order_items oi ON oi.order_id = o.order_id
LEFT JOIN inventory_items ii ON ii.id = oi.inventory_item_id
WHERE o.status = 'Complete'
  AND o.created_at >= CAST(:from AS TIMESTAMP)
  AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
