-- returns_daily_facts (DuckDB): the facts of returns_daily's breakdowns, two kinds of row, each with the keys its
-- dimensions join on (order_id, user_id, product_id): per item of an order created in [:from, :to] (an order without
-- items: one row without product) dated by its creation, with ordered_order (its order), cancelled_order (its order
-- when Cancelled) and gross_sale (its sale_price unless the order is cancelled); and per item of an order returned in
-- [:from, :to] dated by orders.returned_at, with returned_order and returned_sale. Columns of the other kind are NULL.
SELECT CAST(o.created_at AS DATE) AS date, o.order_id, o.user_id, oi.product_id,
       o.order_id AS ordered_order,
       CASE WHEN o.status = 'Cancelled' THEN o.order_id END AS cancelled_order,
       CASE WHEN o.status <> 'Cancelled' THEN oi.sale_price END AS gross_sale,
       CAST(NULL AS BIGINT) AS returned_order, CAST(NULL AS DOUBLE) AS returned_sale
FROM orders o
LEFT JOIN order_items oi ON oi.order_id = o.order_id
WHERE o.created_at >= CAST(:from AS TIMESTAMP) AND o.created_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
UNION ALL
SELECT CAST(o.returned_at AS DATE) AS date, o.order_id, o.user_id, oi.product_id,
       NULL, NULL, NULL, o.order_id, oi.sale_price
FROM orders o
LEFT JOIN order_items oi ON oi.order_id = o.order_id
WHERE o.returned_at >= CAST(:from AS TIMESTAMP) AND o.returned_at < CAST(:to AS TIMESTAMP) + INTERVAL 1 DAY
