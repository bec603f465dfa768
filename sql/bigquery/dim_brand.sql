-- dim_brand (BigQuery): the product's brand (products.brand): the 20 brands with the most products in the catalog
-- (ties by name) by name, every other one as 'other'.
-- Same columns and meaning as sql/duckdb/dim_brand.sql.
WITH ranked AS (
    SELECT brand, ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, brand) AS r
    FROM `{{source}}.products`
    WHERE brand IS NOT NULL
    GROUP BY brand
)
SELECT p.id AS product_id, CASE WHEN k.r <= 20 THEN p.brand WHEN p.brand IS NOT NULL THEN 'other' END AS brand
FROM `{{source}}.products` AS p
LEFT JOIN ranked AS k ON k.brand = p.brand
