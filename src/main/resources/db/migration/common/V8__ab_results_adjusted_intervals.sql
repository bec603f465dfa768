-- Issue 10: GrowthBook's adjusted interval of the relative lift (for the corrected p-value over every metric x arm
-- pair). Nullable: null on control rows, on arms not compared, when unbounded, and on rows stored before V8.
ALTER TABLE ab_results ADD COLUMN adjusted_rel_lift_low DOUBLE PRECISION;
ALTER TABLE ab_results ADD COLUMN adjusted_rel_lift_high DOUBLE PRECISION;
