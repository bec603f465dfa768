package io.execkpi.ml;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Stored propensity scores ({@code ml_scores}): one row per business date and scored user. {@link #replace} runs in
 * the score step's transaction, so a date's scores are replaced atomically.
 */
@Repository
public class MlScoresRepository {

    private final JdbcTemplate jdbc;

    public MlScoresRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record Score(long userId, double propensity, int decile) {
    }

    public record ScoredDate(LocalDate businessDate, String runId, long users) {
    }

    public void replace(LocalDate businessDate, String runId, long jobExecutionId, List<Score> scores) {
        jdbc.update("DELETE FROM ml_scores WHERE business_date = ?", businessDate);
        List<Object[]> rows = new ArrayList<>(scores.size());
        for (Score s : scores) {
            rows.add(new Object[] {businessDate, s.userId(), runId, s.propensity(), s.decile(), jobExecutionId});
        }
        try {
            jdbc.batchUpdate("INSERT INTO ml_scores (business_date, user_id, run_id, propensity, decile,"
                    + " job_execution_id) VALUES (?, ?, ?, ?, ?, ?)", rows);
        } catch (DataIntegrityViolationException e) {
            // the database's message names the offending key, a user id: personal data stays out of logs and
            // exit messages
            throw new IllegalStateException("Storing the scores of " + businessDate + " violated a constraint of"
                    + " ml_scores (another run scoring the same date at once?); the details are withheld because they"
                    + " name users");
        }
    }

    /** The latest scored business date (or the given one) with its run and number of users. */
    public Optional<ScoredDate> scoredDate(LocalDate date) {
        LocalDate d = date != null ? date
                : jdbc.queryForObject("SELECT MAX(business_date) FROM ml_scores", LocalDate.class);
        if (d == null) {
            return Optional.empty();
        }
        List<ScoredDate> found = jdbc.query("SELECT MAX(run_id) AS run_id, COUNT(*) AS users FROM ml_scores"
                        + " WHERE business_date = ? HAVING COUNT(*) > 0",
                (rs, i) -> new ScoredDate(d, rs.getString("run_id"), rs.getLong("users")), d);
        return found.stream().findFirst();
    }

    /**
     * One score decile of a business date: decile 1 holds the 10 % highest propensities, 10 the lowest.
     *
     * @param users number of scored users in the decile
     * @param meanPropensity, minPropensity, maxPropensity propensities (probabilities 0..1) of its users
     */
    public record Decile(int decile, long users, double meanPropensity, double minPropensity, double maxPropensity) {
    }

    /** The score distribution of a date by decile, 1 to 10 (empty when the date was not scored). */
    public List<Decile> deciles(LocalDate date) {
        return jdbc.query("SELECT decile, COUNT(*), AVG(propensity), MIN(propensity), MAX(propensity) FROM ml_scores"
                        + " WHERE business_date = ? GROUP BY decile ORDER BY decile",
                (rs, i) -> new Decile(rs.getInt(1), rs.getLong(2), rs.getDouble(3), rs.getDouble(4), rs.getDouble(5)),
                date);
    }

    /** The {@code top} highest propensities of a date, ties by user id. */
    public List<Score> top(LocalDate date, int top) {
        return jdbc.query("SELECT user_id, propensity, decile FROM ml_scores WHERE business_date = ?"
                        + " ORDER BY propensity DESC, user_id FETCH FIRST " + top + " ROWS ONLY",
                (rs, i) -> new Score(rs.getLong("user_id"), rs.getDouble("propensity"), rs.getInt("decile")), date);
    }
}
