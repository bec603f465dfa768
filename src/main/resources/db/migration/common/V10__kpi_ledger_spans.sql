-- The materialization ledger as spans of business dates (issue 12): a row records that one job execution
-- materialized every business date in [first_date, business_date] of a KPI. A 3-year backfill wrote (and each rerun
-- updated) 1,096 rows per KPI; it now writes one. A later run cuts older spans around its dates, so spans of a KPI
-- never overlap and each date names the execution that materialized it last. Existing rows become one-date spans.
-- Portable SQL: the same text runs on H2 and PostgreSQL.

ALTER TABLE kpi_materialization ADD COLUMN first_date DATE;
UPDATE kpi_materialization SET first_date = business_date;
ALTER TABLE kpi_materialization ALTER COLUMN first_date SET NOT NULL;
