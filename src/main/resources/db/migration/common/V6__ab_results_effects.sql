-- Issue 10: the effect numbers of revenue per user and guardrails (gbstats method) beside each evaluation row.
-- One column per statement: portable between H2 and PostgreSQL. All nullable: null when not applicable.
ALTER TABLE ab_results ADD COLUMN theta DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN variance_reduction DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN unadjusted_rel_lift DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN unadjusted_rel_lift_low DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN unadjusted_rel_lift_high DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN unadjusted_rel_lift_p_value DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN fixed_rel_lift DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN fixed_rel_lift_low DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN fixed_rel_lift_high DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN fixed_rel_lift_p_value DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN risk DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN guardrail_metric BOOLEAN;
ALTER TABLE ab_results ADD COLUMN guardrail_violated BOOLEAN;
