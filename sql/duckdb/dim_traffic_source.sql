-- dim_traffic_source (DuckDB): the channel the customer signed up from (users.traffic_source).
SELECT id AS user_id, traffic_source FROM users
