-- dim_brand (DuckDB): the product's brand (products.brand): the 20 brands with the most products in the catalog
-- (ties by name) by name, every other one as 'other'.
WITH ranked AS (
    SELECT brand, ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, brand) AS r
    FROM products
    WHERE brand IS NOT NULL
    GROUP BY brand
)
SELECT p.id AS product_id, CASE WHEN k.r <= 20 THEN p.brand WHEN p.brand IS NOT NULL THEN 'other' END AS brand
FROM products p
LEFT JOIN ranked k ON k.brand = p.brand
