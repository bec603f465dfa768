-- dim_gender (BigQuery): the customer's gender (users.gender: F -> Female, M -> Male).
-- Same columns and meaning as sql/duckdb/dim_gender.sql.
SELECT id AS user_id, CASE gender WHEN 'F' THEN 'Female' WHEN 'M' THEN 'Male' ELSE gender END AS gender FROM `{{source}}.users`
