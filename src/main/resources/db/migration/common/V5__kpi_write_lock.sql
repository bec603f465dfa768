-- One row per KPI, locked (SELECT ... FOR UPDATE) by every transaction that replaces the KPI's partitions: writers of
-- the same KPI (a rerun and a backfill, two processes) are serialized until commit instead of colliding on keys.
-- Rows are created on first use. Portable SQL: the same text runs on H2 and PostgreSQL.

CREATE TABLE kpi_write_lock (
    kpi VARCHAR(100) PRIMARY KEY
);
