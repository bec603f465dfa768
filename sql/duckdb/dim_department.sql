-- dim_department (DuckDB): the product's department (products.department: Men, Women).
SELECT id AS product_id, department FROM products
