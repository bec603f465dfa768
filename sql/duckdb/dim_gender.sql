-- dim_gender (DuckDB): the customer's gender (users.gender: F -> Female, M -> Male).
SELECT id AS user_id, CASE gender WHEN 'F' THEN 'Female' WHEN 'M' THEN 'Male' ELSE gender END AS gender FROM users
