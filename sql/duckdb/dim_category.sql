-- dim_category (DuckDB): the product's category (products.category); one order can hold items of several.
SELECT id AS product_id, category FROM products
