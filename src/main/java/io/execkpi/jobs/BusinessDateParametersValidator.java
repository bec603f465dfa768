package io.execkpi.jobs;

import java.util.Set;
import java.util.TreeSet;

import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;

/**
 * Parameters of the business-date jobs: {@code date} (required, a date), {@code rerun} (optional) and, for jobs that
 * backfill ranges, {@code from} (optional, not after {@code date}). Anything else is refused (Spring Batch's default
 * validator only warns about unknown keys).
 */
public final class BusinessDateParametersValidator implements JobParametersValidator {

    private final boolean allowsFrom;

    public BusinessDateParametersValidator(boolean allowsFrom) {
        this.allowsFrom = allowsFrom;
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
        if (!unknown.isEmpty()) {
            throw new InvalidJobParametersException("unknown parameter(s) " + unknown + "; this job takes date"
                    + (allowsFrom ? ", from" : "") + " and rerun");
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
