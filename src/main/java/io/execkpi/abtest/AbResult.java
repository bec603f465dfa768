package io.execkpi.abtest;

/**
 * One stored evaluation row: an arm of an experiment on one metric at one evaluation date. Numbers that are not
 * defined (the control's lifts, a degenerate test) are null, never NaN; {@code note} says why.
 */
public record AbResult(String experimentId, String variant, String metric, boolean isControl, boolean primaryMetric,
                       long users, Long conversions, Double meanValue, Double variance, Double statistic,
                       Double degreesOfFreedom, Double pValue, Double adjustedPValue, boolean significant,
                       Double absLift, Double absLiftLow, Double absLiftHigh, Double absLiftPValue,
                       Double relLift, Double relLiftLow, Double relLiftHigh, Double relLiftPValue,
                       Double chanceToBeatControl, Double minimumDetectableEffect, double alpha, String method,
                       Double srmChiSquare, Double srmPValue, Boolean srmMismatch, double srmThreshold, String note) {
}
