package io.execkpi.jobs;

import java.util.Set;
import java.util.TreeSet;

import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

/**
 * Parameters of the business-date jobs: {@code date} (required, a date), {@code rerun} (optional) and, for jobs that
 * backfill ranges, {@code from} (optional, not after {@code date}), for {@code nightlyJob} {@code retrain} (optional,
 * {@code "true"}). Anything else is refused (Spring Batch's default validator only warns about unknown keys).
 */
public final class BusinessDateParametersValidator implements JobParametersValidator {

    private final boolean allowsFrom;
    private final boolean allowsRetrain;

    /** @param allowsFrom whether the job takes {@code from} (a backfill range) */
    public BusinessDateParametersValidator(boolean allowsFrom) {
        this(allowsFrom, false);
    }

    /**
     * @param allowsFrom    whether the job takes {@code from} (a backfill range)
     * @param allowsRetrain whether the job takes {@code retrain} ({@code nightlyJob} only)
     */
    public BusinessDateParametersValidator(boolean allowsFrom, boolean allowsRetrain) {
        this.allowsFrom = allowsFrom;
        this.allowsRetrain = allowsRetrain;
    }

    @Override
    public void validate(JobParameters parameters) throws InvalidJobParametersException {
        Set<String> unknown = new TreeSet<>();
        parameters.parameters().forEach(p -> unknown.add(p.name()));
        unknown.remove(JobRequest.DATE);
        unknown.remove(JobRequest.RERUN);
        if (allowsFrom) {
            unknown.remove(JobRequest.FROM);
        }
        if (allowsRetrain) {
            unknown.remove(JobRequest.RETRAIN);
        }
        if (!unknown.isEmpty()) {
            throw new InvalidJobParametersException("unknown parameter(s) " + unknown + "; this job takes date"
                    + (allowsFrom ? ", from" : "") + (allowsRetrain ? ", retrain" : "") + " and rerun");
        }
        String retrain = parameters.getString(JobRequest.RETRAIN);
        if (retrain != null && !retrain.equals("true") && !retrain.equals("false")) {
            throw new InvalidJobParametersException("'retrain' must be true or false, got '" + retrain + "'");
        }
        if (parameters.getLocalDate(JobRequest.DATE) == null) {
            throw new InvalidJobParametersException("missing parameter 'date' (a date)");
        }
        if (parameters.getParameter(JobRequest.FROM) != null && (parameters.getLocalDate(JobRequest.FROM) == null
                || parameters.getLocalDate(JobRequest.FROM).isAfter(parameters.getLocalDate(JobRequest.DATE)))) {
            throw new InvalidJobParametersException("'from' must be a date not after 'date'");
        }
    }
}
