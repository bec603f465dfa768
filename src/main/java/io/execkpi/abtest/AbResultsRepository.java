package io.execkpi.abtest;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.DataClassRowMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Stored A/B evaluations (table {@code ab_results}, migrations V3, V6 and V8); {@link #replace} runs inside the job's
 * transaction so a date is replaced atomically.
 */
@Repository
public class AbResultsRepository {

    private static final String COLUMNS = "experiment_id, variant, metric, is_control, primary_metric, users, "
            + "conversions, mean_value, variance, statistic, degrees_of_freedom, p_value, adjusted_p_value, significant, "
            + "abs_lift, abs_lift_low, abs_lift_high, abs_lift_p_value, rel_lift, rel_lift_low, rel_lift_high, "
            + "rel_lift_p_value, chance_to_beat_control, minimum_detectable_effect, alpha, method, srm_chi_square, "
            + "srm_p_value, srm_mismatch, srm_threshold, note, theta, variance_reduction, unadjusted_rel_lift, "
            + "unadjusted_rel_lift_low, unadjusted_rel_lift_high, unadjusted_rel_lift_p_value, fixed_rel_lift, "
            + "fixed_rel_lift_low, fixed_rel_lift_high, fixed_rel_lift_p_value, risk, guardrail_metric, "
            + "guardrail_violated, adjusted_rel_lift_low, adjusted_rel_lift_high";

    /**
     * The columns aliased to the lower-case names of the record components ({@code rel_lift AS rellift}):
     * {@link DataClassRowMapper} looks a component up by that name first and by the underscored one only after a
     * failed look-up, and each failed look-up is an SQLException that H2 also writes, with its stack trace, to the
     * store's trace file (hundreds per experiment page, 160 MB of trace in one dashboard benchmark).
     */
    static String mapped(String columns) {
        return java.util.Arrays.stream(columns.split(",")).map(String::strip)
                .map(c -> c.contains("_") ? c + " AS " + c.replace("_", "") : c)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static final String SELECTED = mapped(COLUMNS);

    private final JdbcTemplate jdbc;

    public AbResultsRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void replace(LocalDate date, List<AbResult> results, long jobExecutionId) {
        jdbc.update("DELETE FROM ab_results WHERE evaluation_date = ?", date);
        jdbc.batchUpdate("INSERT INTO ab_results (evaluation_date, job_execution_id, " + COLUMNS + ") VALUES ("
                + "?, ?" + ", ?".repeat(46) + ")", results.stream().map(r -> new Object[] {date, jobExecutionId,
                r.experimentId(), r.variant(), r.metric(), r.isControl(), r.primaryMetric(), r.users(), r.conversions(),
                r.meanValue(), r.variance(), r.statistic(), r.degreesOfFreedom(), r.pValue(), r.adjustedPValue(),
                r.significant(), r.absLift(), r.absLiftLow(), r.absLiftHigh(), r.absLiftPValue(), r.relLift(),
                r.relLiftLow(), r.relLiftHigh(), r.relLiftPValue(), r.chanceToBeatControl(),
                r.minimumDetectableEffect(), r.alpha(), r.method(), r.srmChiSquare(), r.srmPValue(), r.srmMismatch(),
                r.srmThreshold(), r.note(), r.theta(), r.varianceReduction(), r.unadjustedRelLift(),
                r.unadjustedRelLiftLow(), r.unadjustedRelLiftHigh(), r.unadjustedRelLiftPValue(), r.fixedRelLift(),
                r.fixedRelLiftLow(), r.fixedRelLiftHigh(), r.fixedRelLiftPValue(), r.risk(), r.guardrailMetric(),
                r.guardrailViolated(), r.adjustedRelLiftLow(), r.adjustedRelLiftHigh()}).toList());
    }

    public List<AbResult> find(String experimentId, LocalDate date) {
        return jdbc.query("SELECT " + SELECTED + " FROM ab_results WHERE experiment_id = ? AND evaluation_date = ?"
                        + " ORDER BY metric, is_control DESC, variant", new DataClassRowMapper<>(AbResult.class),
                experimentId, date);
    }

    public Optional<LocalDate> latestDate(String experimentId) {
        return Optional.ofNullable(jdbc.queryForObject(
                "SELECT MAX(evaluation_date) FROM ab_results WHERE experiment_id = ?", LocalDate.class, experimentId));
    }

    /** One treatment arm's lift on a metric at one evaluation date (relative lift as a share, interval at 1 − alpha). */
    public record LiftPoint(LocalDate evaluationDate, String variant, Double relLift, Double relLiftLow,
                            Double relLiftHigh, Double pValue, Double adjustedPValue, boolean significant,
                            long jobExecutionId) {
    }

    /** The treatment arms' lifts on {@code metric} over every stored evaluation date, oldest first. */
    public List<LiftPoint> history(String experimentId, String metric) {
        return jdbc.query("SELECT " + mapped("evaluation_date, variant, rel_lift, rel_lift_low, rel_lift_high, p_value,"
                        + " adjusted_p_value, significant, job_execution_id") + " FROM ab_results"
                        + " WHERE experiment_id = ? AND metric = ? AND NOT is_control ORDER BY evaluation_date, variant",
                new DataClassRowMapper<>(LiftPoint.class), experimentId, metric);
    }

    /** Evaluation dates stored for the experiment, newest first. */
    public List<LocalDate> evaluationDates(String experimentId) {
        return jdbc.queryForList("SELECT DISTINCT evaluation_date FROM ab_results WHERE experiment_id = ?"
                + " ORDER BY evaluation_date DESC", LocalDate.class, experimentId);
    }

    /** The job execution that wrote the experiment's evaluation of {@code date}, if stored. */
    public Optional<Long> jobExecutionId(String experimentId, LocalDate date) {
        return jdbc.queryForList("SELECT MAX(job_execution_id) FROM ab_results WHERE experiment_id = ?"
                + " AND evaluation_date = ?", Long.class, experimentId, date).stream().filter(java.util.Objects::nonNull)
                .findFirst();
    }

    public List<String> experimentIds() {
        return jdbc.queryForList("SELECT DISTINCT experiment_id FROM ab_results ORDER BY experiment_id", String.class);
    }
}
