package io.execkpi.jobs;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * What an operator asks a job to do: materialize business date {@code date}, optionally a backfill starting at
 * {@code from}. {@code rerun} makes a new job instance for a date that already completed (the job repository
 * otherwise refuses to run a completed instance twice).
 *
 * {@code retrain} asks {@code nightlyJob} to retrain the model that night even when the published one is not due
 * for retraining yet (only nightlyJob takes it: the other jobs refuse it at launch).
 *
 * <p>Job parameters: {@code date} (identifying), {@code from} (identifying, only when given), {@code rerun}
 * (identifying, a timestamp, only when asked for) and {@code retrain} (identifying, {@code "true"}, only when asked
 * for).
 */
public record JobRequest(LocalDate date, LocalDate from, boolean rerun, boolean retrain) {

    public static final String DATE = "date";
    public static final String FROM = "from";
    public static final String TO = "to";
    public static final String RERUN = "rerun";
    public static final String RETRAIN = "retrain";
    private static final Set<String> KEYS = Set.of(DATE, FROM, TO, RERUN, RETRAIN);

    public JobRequest {
        if (date == null) {
            throw new InvalidJobRequestException("missing parameter 'date' (or 'from' and 'to'), e.g. date=2026-11-24");
        }
        if (from != null && from.isAfter(date)) {
            throw new InvalidJobRequestException("'from' (" + from + ") is after the business date (" + date + ")");
        }
    }

    /** A request without {@code retrain}. */
    public JobRequest(LocalDate date, LocalDate from, boolean rerun) {
        this(date, from, rerun, false);
    }

    /**
     * Parses {@code date=YYYY-MM-DD}, or {@code from=… to=…}, plus optional {@code rerun=true|false} and
     * {@code retrain=true|false}.
     *
     * @throws InvalidJobRequestException with a one-line message naming the bad parameter
     */
    public static JobRequest parse(Map<String, String> parameters) {
        Set<String> unknown = new TreeSet<>(parameters.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new InvalidJobRequestException("unknown parameter(s) " + unknown + "; allowed: date, from, to, rerun, retrain");
        }
        LocalDate date = date(parameters, DATE);
        LocalDate to = date(parameters, TO);
        LocalDate from = date(parameters, FROM);
        if (date != null && to != null && !date.equals(to)) {
            throw new InvalidJobRequestException("give either 'date' or 'to', not two different dates");
        }
        if (from != null && date == null && to == null) {
            throw new InvalidJobRequestException("'from' needs 'to' (the last business date of the range)");
        }
        return new JobRequest(date != null ? date : to, from, flag(parameters, RERUN), flag(parameters, RETRAIN));
    }

    private static boolean flag(Map<String, String> parameters, String key) {
        String value = parameters.getOrDefault(key, "false");
        if (!value.equals("true") && !value.equals("false")) {
            throw new InvalidJobRequestException("'" + key + "' must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static LocalDate date(Map<String, String> parameters, String key) {
        String value = parameters.get(key);
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidJobRequestException("'" + key + "' must be a date like 2026-11-24, got '" + value + "'");
        }
    }

    public JobParameters toJobParameters() {
        JobParametersBuilder builder = new JobParametersBuilder().addLocalDate(DATE, date);
        if (from != null) {
            builder.addLocalDate(FROM, from);
        }
        if (rerun) {
            builder.addString(RERUN, Instant.now().toString());
        }
        if (retrain) {
            builder.addString(RETRAIN, "true");
        }
        return builder.toJobParameters();
    }

    /**
     * The business dates a run of these parameters covers: {@code from} through {@code date}, with {@code from}
     * defaulting to {@code date} minus {@code lookbackDays} days.
     *
     * @throws InvalidJobRequestException when the parameters have no {@code date}
     */
    public static BusinessDateRange range(JobParameters parameters, int lookbackDays) {
        LocalDate date = parameters.getLocalDate(DATE);
        if (date == null) {
            throw new InvalidJobRequestException("missing job parameter 'date'");
        }
        LocalDate from = parameters.getLocalDate(FROM);
        return new BusinessDateRange(from != null ? from : date.minusDays(lookbackDays), date);
    }
}
