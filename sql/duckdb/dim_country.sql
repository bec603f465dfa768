-- dim_country (DuckDB): the customer's country (users.country): the 20 countries with the most users (ties by name)
-- by name, every other one as 'other'; ranked over the whole users table, so a country's slice means the same on
-- every date.
WITH ranked AS (
    SELECT country, ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC, country) AS r
    FROM users
    WHERE country IS NOT NULL
    GROUP BY country
)
SELECT u.id AS user_id, CASE WHEN k.r <= 20 THEN u.country WHEN u.country IS NOT NULL THEN 'other' END AS country
FROM users u
LEFT JOIN ranked k ON k.country = u.country
