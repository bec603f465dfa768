-- dim_distribution_center (DuckDB): the distribution center that ships the product (products.distribution_center_id
-- -> distribution_centers.name).
SELECT p.id AS product_id, dc.name AS distribution_center
FROM products p
LEFT JOIN distribution_centers dc ON dc.id = p.distribution_center_id
