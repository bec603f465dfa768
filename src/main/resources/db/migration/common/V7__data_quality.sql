-- Data-quality results (issue 11, part B): one row per KPI, business date and check (source freshness, a test on the
-- materialized rows, a value anomaly), replaced when the check runs again for that date. Written in a transaction
-- of its own, so an error-level result survives the rollback of the rows it rejected.
-- Portable SQL: the same text runs on H2 and PostgreSQL.

CREATE TABLE quality_result (
    kpi               VARCHAR(64) NOT NULL,
    business_date     DATE NOT NULL,
    check_name        VARCHAR(200) NOT NULL,
    kind              VARCHAR(16) NOT NULL,
    status            VARCHAR(8) NOT NULL,
    observed          DOUBLE PRECISION,
    message           VARCHAR(1000) NOT NULL,
    job_execution_id  BIGINT NOT NULL,
    checked_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (kpi, business_date, check_name)
);

CREATE INDEX idx_quality_result_date ON quality_result (business_date);
