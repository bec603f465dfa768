package io.execkpi.abtest.stats;

/**
 * Malformed experiment input (as opposed to well-formed but degenerate data, which yields a
 * result with a note). Carries the path of the offending field so that an endpoint can report
 * it, e.g. as a problem-details {@code errors} entry.
 */
public class InvalidExperimentInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /**
     * @param field  path of the offending field, e.g. {@code "variants[0].conversions"}
     * @param reason human-readable explanation, e.g. {@code "must not exceed users (1000)"}
     */
    public InvalidExperimentInputException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** Path of the offending field, e.g. {@code "variants[0].conversions"}. */
    public String getField() {
        return field;
    }

    /** The explanation without the field path. */
    public String getReason() {
        return reason;
    }
}
