-- KPI results store: one table per catalog KPI (kpi_<name>, columns as in jobs/kpis.yml) and the ledger of
-- materialized business dates. Portable SQL: the same text runs on H2 and PostgreSQL.

CREATE TABLE kpi_revenue_daily (
    date   DATE PRIMARY KEY,
    orders   BIGINT NOT NULL,
    items    BIGINT NOT NULL,
    revenue  DOUBLE PRECISION NOT NULL,
    aov      DOUBLE PRECISION
);

CREATE TABLE kpi_funnel_daily (
    date                 DATE PRIMARY KEY,
    sessions               BIGINT NOT NULL,
    home_sessions          BIGINT NOT NULL,
    department_sessions    BIGINT NOT NULL,
    product_sessions       BIGINT NOT NULL,
    cart_sessions          BIGINT NOT NULL,
    purchase_sessions      BIGINT NOT NULL,
    home_to_department     DOUBLE PRECISION,
    department_to_product  DOUBLE PRECISION,
    product_to_cart        DOUBLE PRECISION,
    cart_to_purchase       DOUBLE PRECISION,
    session_conversion     DOUBLE PRECISION
);

CREATE TABLE kpi_retention_weekly (
    cohort_week     DATE NOT NULL,
    week_n          INTEGER NOT NULL,
    cohort_users    BIGINT NOT NULL,
    active_users    BIGINT NOT NULL,
    retention_rate  DOUBLE PRECISION NOT NULL,
    as_of_date      DATE NOT NULL,
    PRIMARY KEY (cohort_week, week_n)
);

CREATE TABLE kpi_ab_metrics (
    as_of_date           DATE NOT NULL,
    experiment_id        VARCHAR(64) NOT NULL,
    variant              VARCHAR(64) NOT NULL,
    is_control           BOOLEAN NOT NULL,
    weight               DOUBLE PRECISION NOT NULL,
    users                BIGINT NOT NULL,
    converters           BIGINT NOT NULL,
    revenue_sum          DOUBLE PRECISION NOT NULL,
    revenue_sum_squares  DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (as_of_date, experiment_id, variant)
);

-- Which business dates each KPI has been materialized for, by which job execution; written in the same
-- transaction as the KPI rows.
CREATE TABLE kpi_materialization (
    kpi               VARCHAR(64) NOT NULL,
    business_date     DATE NOT NULL,
    job_execution_id  BIGINT NOT NULL,
    materialized_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (kpi, business_date)
);
