package io.execkpi.abtest;

/**
 * One stored evaluation row: an arm of an experiment on one metric at one evaluation date. Numbers that are not
 * defined (the control's lifts, a degenerate test) are null, never NaN; {@code note} says why.
 *
 * <p>The components are, in order, the JSON API's field names, the {@code ab_results} columns
 * ({@link AbResultsRepository}) and what the templates read, so they never change. Build a row with
 * {@link #builder(String, String, String)}; its setters take one group of components each:
 * <ul>
 *   <li>identity: {@code experimentId, variant, metric}; {@code isControl}, {@code primaryMetric}</li>
 *   <li>the arm ({@link Builder#arm}): {@code users, conversions, meanValue, variance} — the metric's value per user
 *       in its own unit (a share of users for conversion, currency per user for revenue per user, currency per
 *       completed order for aov)</li>
 *   <li>the test ({@link Builder#test}): {@code statistic, degreesOfFreedom, pValue, adjustedPValue, significant}</li>
 *   <li>the lifts against control: {@code absLift…} in the metric's unit (currency per user, share of users),
 *       {@code relLift…} a share (0.05 = +5 %), each with its interval bounds and p-value in [0, 1]</li>
 *   <li>{@code chanceToBeatControl} (a probability) and {@code minimumDetectableEffect} (conversion rows: absolute,
 *       a share of users)</li>
 *   <li>the method ({@link Builder#method}): {@code alpha, method}; the sample-ratio check ({@link Builder#srm}):
 *       {@code srmChiSquare, srmPValue, srmMismatch, srmThreshold}; {@code note}</li>
 *   <li>the effect numbers, set on revenue per user and guardrail rows and computed as gbstats does
 *       ({@link io.execkpi.abtest.stats.EffectStatistics}): CUPED's {@code theta} and {@code varianceReduction}
 *       (1 − Var(adjusted lift)/Var(unadjusted lift), a share); {@code unadjustedRelLift…}, the relative lift
 *       without CUPED; {@code fixedRelLift…}, the fixed-horizon relative lift when the reported one is sequential;
 *       {@code risk}, the expected loss of shipping the arm, E[max(0, −relative lift)], a share;
 *       {@code guardrailMetric} (true on the rows of a guardrail metric) and {@code guardrailViolated} (true on
 *       every row of an arm whose guardrail is significantly worse than control, false on the other compared arms'
 *       rows when guardrails were evaluated, else null); {@code adjustedRelLiftLow/High}, GrowthBook's adjusted
 *       interval of the relative lift for {@code adjustedPValue} (wider than the raw one, or the raw one; null when
 *       unbounded or not compared)</li>
 * </ul>
 */
public record AbResult(String experimentId, String variant, String metric, boolean isControl, boolean primaryMetric,
                       long users, Long conversions, Double meanValue, Double variance, Double statistic,
                       Double degreesOfFreedom, Double pValue, Double adjustedPValue, boolean significant,
                       Double absLift, Double absLiftLow, Double absLiftHigh, Double absLiftPValue,
                       Double relLift, Double relLiftLow, Double relLiftHigh, Double relLiftPValue,
                       Double chanceToBeatControl, Double minimumDetectableEffect, double alpha, String method,
                       Double srmChiSquare, Double srmPValue, Boolean srmMismatch, double srmThreshold, String note,
                       Double theta, Double varianceReduction, Double unadjustedRelLift, Double unadjustedRelLiftLow,
                       Double unadjustedRelLiftHigh, Double unadjustedRelLiftPValue, Double fixedRelLift,
                       Double fixedRelLiftLow, Double fixedRelLiftHigh, Double fixedRelLiftPValue, Double risk,
                       Boolean guardrailMetric, Boolean guardrailViolated, Double adjustedRelLiftLow,
                       Double adjustedRelLiftHigh) {

    /**
     * A builder for one row of the given experiment, arm and metric. Every component that is not set stays null
     * (the boxed numbers, {@code srmMismatch}, {@code guardrailMetric}, {@code guardrailViolated}, {@code method},
     * {@code note}); {@code isControl}, {@code primaryMetric} and {@code significant} stay false and {@code users} 0.
     * {@link Builder#method} and {@link Builder#srm} must be called: {@code alpha} and {@code srmThreshold} have no
     * default.
     *
     * @param experimentId the experiment's id
     * @param variant      the arm's name
     * @param metric       the metric's name ({@code conversion}, {@code revenue_per_user}, a guardrail)
     * @return a builder with only these three set
     */
    public static Builder builder(String experimentId, String variant, String metric) {
        return new Builder(experimentId, variant, metric);
    }

    /** A builder holding every component of this row, to change some of them. */
    public Builder toBuilder() {
        return builder(experimentId, variant, metric).control(isControl).primary(primaryMetric)
                .arm(users, conversions, meanValue, variance)
                .test(statistic, degreesOfFreedom, pValue, adjustedPValue, significant)
                .absoluteLift(absLift, absLiftLow, absLiftHigh, absLiftPValue)
                .relativeLift(relLift, relLiftLow, relLiftHigh, relLiftPValue)
                .chanceToBeatControl(chanceToBeatControl).minimumDetectableEffect(minimumDetectableEffect)
                .method(alpha, method).srm(srmChiSquare, srmPValue, srmMismatch, srmThreshold).note(note)
                .cuped(theta, varianceReduction)
                .unadjustedRelativeLift(unadjustedRelLift, unadjustedRelLiftLow, unadjustedRelLiftHigh,
                        unadjustedRelLiftPValue)
                .fixedHorizonRelativeLift(fixedRelLift, fixedRelLiftLow, fixedRelLiftHigh, fixedRelLiftPValue)
                .risk(risk).guardrail(guardrailMetric, guardrailViolated)
                .adjustedRelativeInterval(adjustedRelLiftLow, adjustedRelLiftHigh);
    }

    /** This row with the given minimum detectable effect (absolute, a share of users). */
    public AbResult withMinimumDetectableEffect(Double mde) {
        return toBuilder().minimumDetectableEffect(mde).build();
    }

    /**
     * This row with its arm's guardrail verdict and a reason appended to the note.
     *
     * @param violated the verdict to store in {@code guardrailViolated} (null: unchanged)
     * @param reason   text appended to the note ("; " between), or null
     */
    public AbResult withGuardrail(Boolean violated, String reason) {
        return toBuilder().guardrail(guardrailMetric, violated != null ? violated : guardrailViolated)
                .note(reason == null ? note : note == null ? reason : note + "; " + reason).build();
    }

    /**
     * Builds an {@link AbResult} group by group; see {@link AbResult#builder} for what stays null. Each setter
     * replaces its whole group, so a later call overrides an earlier one.
     */
    public static final class Builder {

        /** A lift with its interval and p-value; every part may be null. */
        private record Lift(Double estimate, Double low, Double high, Double pValue) {
        }

        private static final Lift NONE = new Lift(null, null, null, null);

        private final String experimentId;
        private final String variant;
        private final String metric;
        private boolean isControl;
        private boolean primaryMetric;
        private long users;
        private Long conversions;
        private Double meanValue;
        private Double variance;
        private Double statistic;
        private Double degreesOfFreedom;
        private Double pValue;
        private Double adjustedPValue;
        private boolean significant;
        private Lift absLift = NONE;
        private Lift relLift = NONE;
        private Double chanceToBeatControl;
        private Double minimumDetectableEffect;
        private Double alpha;
        private String method;
        private Double srmChiSquare;
        private Double srmPValue;
        private Boolean srmMismatch;
        private Double srmThreshold;
        private String note;
        private Double theta;
        private Double varianceReduction;
        private Lift unadjustedRelLift = NONE;
        private Lift fixedRelLift = NONE;
        private Double risk;
        private Boolean guardrailMetric;
        private Boolean guardrailViolated;
        private Double adjustedRelLiftLow;
        private Double adjustedRelLiftHigh;

        private Builder(String experimentId, String variant, String metric) {
            this.experimentId = experimentId;
            this.variant = variant;
            this.metric = metric;
        }

        /** Whether this row is the control arm's ({@code isControl}). */
        public Builder control(boolean isControl) {
            this.isControl = isControl;
            return this;
        }

        /** Whether the metric is the experiment's primary metric ({@code primaryMetric}). */
        public Builder primary(boolean primaryMetric) {
            this.primaryMetric = primaryMetric;
            return this;
        }

        /**
         * The arm's numbers on this metric.
         *
         * @param users       users assigned to the arm
         * @param conversions converted users on a proportion metric, else null
         * @param meanValue   the metric's value of the arm in its unit (a share of users, currency per user, currency
         *                    per completed order), null when undefined
         * @param variance    sample variance of the per-user values in the unit squared, null below 2 users
         */
        public Builder arm(long users, Long conversions, Double meanValue, Double variance) {
            this.users = users;
            this.conversions = conversions;
            this.meanValue = meanValue;
            this.variance = variance;
            return this;
        }

        /**
         * The comparison with control.
         *
         * @param statistic        the test statistic (lift / standard error)
         * @param degreesOfFreedom its degrees of freedom (Welch), null for a z-test
         * @param pValue           the raw p-value in [0, 1]
         * @param adjustedPValue   the p-value after the multiple-testing correction, in [0, 1]
         * @param significant      whether {@code adjustedPValue} &lt; alpha
         */
        public Builder test(Double statistic, Double degreesOfFreedom, Double pValue, Double adjustedPValue,
                            boolean significant) {
            this.statistic = statistic;
            this.degreesOfFreedom = degreesOfFreedom;
            this.pValue = pValue;
            this.adjustedPValue = adjustedPValue;
            this.significant = significant;
            return this;
        }

        /** The absolute lift in the metric's unit (currency per user, share of users), its interval and p-value. */
        public Builder absoluteLift(Double estimate, Double low, Double high, Double pValue) {
            this.absLift = new Lift(estimate, low, high, pValue);
            return this;
        }

        /** The reported relative lift, a share (0.05 = +5 %), its interval (shares) and p-value. */
        public Builder relativeLift(Double estimate, Double low, Double high, Double pValue) {
            this.relLift = new Lift(estimate, low, high, pValue);
            return this;
        }

        /** The Bayesian probability in [0, 1] that the arm beats control. */
        public Builder chanceToBeatControl(Double chanceToBeatControl) {
            this.chanceToBeatControl = chanceToBeatControl;
            return this;
        }

        /** The z-test's minimum detectable effect, absolute (a share of users); set on conversion rows. */
        public Builder minimumDetectableEffect(Double minimumDetectableEffect) {
            this.minimumDetectableEffect = minimumDetectableEffect;
            return this;
        }

        /** The significance level (a share, e.g. 0.05) and a description of the method; required. */
        public Builder method(double alpha, String method) {
            this.alpha = alpha;
            this.method = method;
            return this;
        }

        /**
         * The sample-ratio check over every arm of the experiment; required.
         *
         * @param chiSquare the chi-square statistic, null when not computed
         * @param pValue    its p-value in [0, 1], null when not computed
         * @param mismatch  whether a mismatch is flagged, null when not computed
         * @param threshold the p-value below which a mismatch is flagged
         */
        public Builder srm(Double chiSquare, Double pValue, Boolean mismatch, double threshold) {
            this.srmChiSquare = chiSquare;
            this.srmPValue = pValue;
            this.srmMismatch = mismatch;
            this.srmThreshold = threshold;
            return this;
        }

        /** Why numbers are missing, or what else a reader should know; null when nothing. */
        public Builder note(String note) {
            this.note = note;
            return this;
        }

        /** CUPED's pooled coefficient and its variance reduction (a share); null without CUPED. */
        public Builder cuped(Double theta, Double varianceReduction) {
            this.theta = theta;
            this.varianceReduction = varianceReduction;
            return this;
        }

        /** The relative lift without CUPED (a share), its interval and p-value. */
        public Builder unadjustedRelativeLift(Double estimate, Double low, Double high, Double pValue) {
            this.unadjustedRelLift = new Lift(estimate, low, high, pValue);
            return this;
        }

        /** The fixed-horizon relative lift (a share) when the reported one is sequential, its interval and p-value. */
        public Builder fixedHorizonRelativeLift(Double estimate, Double low, Double high, Double pValue) {
            this.fixedRelLift = new Lift(estimate, low, high, pValue);
            return this;
        }

        /** The expected loss of shipping the arm, E[max(0, −relative lift)], a share. */
        public Builder risk(Double risk) {
            this.risk = risk;
            return this;
        }

        /** Whether the metric is a guardrail, and the arm's guardrail verdict (see {@link AbResult}). */
        public Builder guardrail(Boolean metric, Boolean violated) {
            this.guardrailMetric = metric;
            this.guardrailViolated = violated;
            return this;
        }

        /** GrowthBook's adjusted interval of the relative lift (shares) for {@code adjustedPValue}. */
        public Builder adjustedRelativeInterval(Double low, Double high) {
            this.adjustedRelLiftLow = low;
            this.adjustedRelLiftHigh = high;
            return this;
        }

        /**
         * The row.
         *
         * @throws IllegalStateException when {@link #method} or {@link #srm} was not called
         */
        public AbResult build() {
            if (alpha == null || srmThreshold == null) {
                throw new IllegalStateException("AbResult of " + experimentId + "/" + variant + "/" + metric
                        + " needs method(alpha, method) and srm(..., threshold)");
            }
            return new AbResult(experimentId, variant, metric, isControl, primaryMetric, users, conversions,
                    meanValue, variance, statistic, degreesOfFreedom, pValue, adjustedPValue, significant,
                    absLift.estimate(), absLift.low(), absLift.high(), absLift.pValue(), relLift.estimate(),
                    relLift.low(), relLift.high(), relLift.pValue(), chanceToBeatControl, minimumDetectableEffect,
                    alpha, method, srmChiSquare, srmPValue, srmMismatch, srmThreshold, note, theta,
                    varianceReduction, unadjustedRelLift.estimate(), unadjustedRelLift.low(),
                    unadjustedRelLift.high(), unadjustedRelLift.pValue(), fixedRelLift.estimate(),
                    fixedRelLift.low(), fixedRelLift.high(), fixedRelLift.pValue(), risk, guardrailMetric,
                    guardrailViolated, adjustedRelLiftLow, adjustedRelLiftHigh);
        }
    }
}
