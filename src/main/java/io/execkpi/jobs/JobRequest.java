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
 * <p>Job parameters: {@code date} (identifying), {@code from} (identifying, only when given) and {@code rerun}
 * (identifying, a timestamp, only when asked for).
 */
public record JobRequest(LocalDate date, LocalDate from, boolean rerun) {

    public static final String DATE = "date";
    public static final String FROM = "from";
    public static final String TO = "to";
    public static final String RERUN = "rerun";
    private static final Set<String> KEYS = Set.of(DATE, FROM, TO, RERUN);

    public JobRequest {
        if (date == null) {
            throw new InvalidJobRequestException("missing parameter 'date' (or 'from' and 'to'), e.g. date=2026-11-24");
        }
        if (from != null && from.isAfter(date)) {
            throw new InvalidJobRequestException("'from' (" + from + ") is after the business date (" + date + ")");
        }
    }

    /**
     * Parses {@code date=YYYY-MM-DD}, or {@code from=… to=…}, plus optional {@code rerun=true|false}.
     *
     * @throws InvalidJobRequestException with a one-line message naming the bad parameter
     */
    public static JobRequest parse(Map<String, String> parameters) {
        Set<String> unknown = new TreeSet<>(parameters.keySet());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new InvalidJobRequestException("unknown parameter(s) " + unknown + "; allowed: date, from, to, rerun");
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
        String rerun = parameters.getOrDefault(RERUN, "false");
        if (!rerun.equals("true") && !rerun.equals("false")) {
            throw new InvalidJobRequestException("'rerun' must be true or false, got '" + rerun + "'");
        }
        return new JobRequest(date != null ? date : to, from, Boolean.parseBoolean(rerun));
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
