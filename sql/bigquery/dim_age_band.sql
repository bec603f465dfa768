-- dim_age_band (BigQuery): the customer's age (users.age, as recorded at signup) in bands: under 18, 18-24, 25-34,
-- 35-44, 45-54, 55-64, 65+.
-- Same columns and meaning as sql/duckdb/dim_age_band.sql.
SELECT id AS user_id,
       CASE WHEN age IS NULL THEN NULL
            WHEN age < 18 THEN 'under 18'
            WHEN age < 25 THEN '18-24'
            WHEN age < 35 THEN '25-34'
            WHEN age < 45 THEN '35-44'
            WHEN age < 55 THEN '45-54'
            WHEN age < 65 THEN '55-64'
            ELSE '65+' END AS age_band
FROM `{{source}}.users`
