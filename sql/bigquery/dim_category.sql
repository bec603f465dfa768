-- dim_category (BigQuery): the product's category (products.category); one order can hold items of several.
-- Same columns and meaning as sql/duckdb/dim_category.sql.
SELECT id AS product_id, category FROM `{{source}}.products`
