-- dim_distribution_center (BigQuery): the distribution center that ships the product (products.distribution_center_id
-- -> distribution_centers.name).
-- Same columns and meaning as sql/duckdb/dim_distribution_center.sql.
SELECT p.id AS product_id, dc.name AS distribution_center
FROM `{{source}}.products` AS p
LEFT JOIN `{{source}}.distribution_centers` AS dc ON dc.id = p.distribution_center_id
