-- Propensity scores of mlJob's score step: one row per business date x scored user, replaced per date.
-- decile 1 holds the 10 % highest propensities, 10 the lowest.
CREATE TABLE ml_scores (
    business_date     DATE NOT NULL,
    user_id           BIGINT NOT NULL,
    run_id            VARCHAR(64) NOT NULL,
    propensity        DOUBLE PRECISION NOT NULL,
    decile            INTEGER NOT NULL,
    job_execution_id  BIGINT NOT NULL,
    PRIMARY KEY (business_date, user_id)
);

CREATE INDEX idx_ml_scores_rank ON ml_scores (business_date, propensity);
