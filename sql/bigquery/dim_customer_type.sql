-- dim_customer_type (BigQuery): per completed order, 'new' when it is the customer's first completed order (earliest
-- created_at, then lowest order_id), else 'returning'. Read over every completed order of the warehouse: an order's
-- type changes only if an earlier order of its customer becomes or stops being complete.
-- Same columns and meaning as sql/duckdb/dim_customer_type.sql.
SELECT order_id,
       CASE WHEN ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY created_at, order_id) = 1 THEN 'new'
            ELSE 'returning' END AS customer_type
FROM `{{source}}.orders`
WHERE status = 'Complete'
