-- Data-quality results as spans of business dates (issue 12: a 3-year backfill recorded 21,927 rows, 95 % of them
-- the same "test … passed" once per date, and writing them was most of kpiJob's time beyond the KPI queries).
-- A row now holds the result of one check of one KPI for every business date in [first_date, business_date]; equal
-- results of consecutive dates in one save share a row, a result that differs per date (an anomaly's z-score, a
-- failure's message) keeps a row per date. Spans of the same KPI and check never overlap: a new result for a date
-- cuts the older span around it. What /api/quality answers per date is unchanged.
-- Portable SQL: the same text runs on H2 and PostgreSQL.

ALTER TABLE quality_result ADD COLUMN first_date DATE;
UPDATE quality_result SET first_date = business_date;
ALTER TABLE quality_result ALTER COLUMN first_date SET NOT NULL;
