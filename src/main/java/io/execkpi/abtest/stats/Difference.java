package io.execkpi.abtest.stats;

/** The scale on which a treatment arm is compared with control. */
public enum Difference {
    /** m_t − m_c, in the metric's own units (e.g. currency per user, or a share of users for conversions). */
    ABSOLUTE,
    /** (m_t − m_c) / m_c as a share (0.05 = +5 %), not a percent. */
    RELATIVE;

    /**
     * Parses {@code "absolute"} or {@code "relative"} (case-insensitive).
     *
     * @throws InvalidExperimentInputException naming {@code field} for any other text
     */
    public static Difference parse(String text, String field) {
        return AbInputValidation.parseChoice(Difference.class, text, field);
    }
}
