-- dim_traffic_source (BigQuery): the channel the customer signed up from (users.traffic_source).
-- Same columns and meaning as sql/duckdb/dim_traffic_source.sql.
SELECT id AS user_id, traffic_source FROM `{{source}}.users`
