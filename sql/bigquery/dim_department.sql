-- dim_department (BigQuery): the product's department (products.department: Men, Women).
-- Same columns and meaning as sql/duckdb/dim_department.sql.
SELECT id AS product_id, department FROM `{{source}}.products`
