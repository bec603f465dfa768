package io.execkpi.ml.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.execkpi.ml.features.FeatureTable;
import io.execkpi.ml.features.MlFeatures;

import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.transform.TransformedModel;
import org.tribuo.transform.TransformerMap;

/**
 * SHAP values in log-odds of the positive class, with an additivity check on every explained row.
 *
 * <ul>
 * <li>XGBoost (Tribuo trains 2-class {@code multi:softprob}): TreeSHAP from the booster's {@code predictContrib} on a
 * dense matrix whose columns are in the model's feature-id order; each row holds one block of (features + 1) values
 * per class, bias last. Log-odds contribution = positive-class block − negative-class block, and the sum of a row's
 * contributions plus its bias must equal the booster's margin difference (positive − negative).</li>
 * <li>Logistic regression: exact linear SHAP with the explained rows as background, φ_j = Δw_j·(z_j − mean z_j) on
 * the standardized features z, bias = Δw·mean z + Δb, where Δ is positive-class minus negative-class weights.</li>
 * </ul>
 * Both are also checked against Tribuo's own prediction (log p₁ − log p₀), which catches a wrong column order.
 */
public final class Shap {

    /** Largest tolerated |Σ contributions + bias − margin| per row. */
    public static final double ADDITIVITY_TOLERANCE = 1e-4;
    /** Largest tolerated |margin − (log p₁ − log p₀)| of Tribuo's (float) probabilities. */
    public static final double PREDICTION_TOLERANCE = 1e-3;

    private Shap() {
    }

    /**
     * SHAP values of some rows.
     *
     * @param features         feature names, in the order of the columns of {@code contributions}
     * @param contributions    rows × features, log-odds
     * @param bias             per row: the expected value (the same for every row of one model)
     * @param margins          per row: the model's log-odds
     * @param maxAdditivityError the largest |Σ contributions + bias − margin| over the rows
     */
    public record Values(List<String> features, double[][] contributions, double[] bias, double[] margins,
                         double maxAdditivityError) {

        public int rows() {
            return contributions.length;
        }

        /** Mean |SHAP| per feature, sorted descending (ties by name). */
        public List<Importance> meanAbs() {
            List<Importance> out = new ArrayList<>();
            for (int j = 0; j < features.size(); j++) {
                double sum = 0;
                for (double[] row : contributions) {
                    sum += Math.abs(row[j]);
                }
                out.add(new Importance(features.get(j), rows() == 0 ? 0.0 : sum / rows()));
            }
            out.sort(Comparator.comparingDouble(Importance::meanAbsShap).reversed()
                    .thenComparing(Importance::feature));
            return List.copyOf(out);
        }
    }

    public record Importance(String feature, double meanAbsShap) {
    }

    /** Explains the given rows of the table with the model; fails when additivity does not hold for some row. */
    public static Values explain(Model<Label> model, FeatureTable table, int[] rows) throws XGBoostError {
        Values values;
        if (model instanceof XGBoostModel<Label> xgb) {
            values = tree(xgb, table, rows);
        } else if (model instanceof TransformedModel<Label> transformed
                && transformed.getInnerModel() instanceof LinearSGDModel linear) {
            values = linear(transformed.getTransformerMap(), linear, table, rows);
        } else {
            throw new IllegalArgumentException("No SHAP explainer for " + model.getClass().getName());
        }
        if (!(values.maxAdditivityError() <= ADDITIVITY_TOLERANCE)) {
            throw new IllegalStateException("SHAP additivity violated: max |sum(contributions) + bias - margin| = "
                    + values.maxAdditivityError() + " > " + ADDITIVITY_TOLERANCE);
        }
        checkAgainstPredictions(model, table, rows, values.margins());
        return values;
    }

    private static Values tree(XGBoostModel<Label> model, FeatureTable table, int[] rows) throws XGBoostError {
        ImmutableFeatureMap featureMap = model.getFeatureIDMap();
        int f = featureMap.size();
        List<String> names = new ArrayList<>(f);
        int[] column = new int[f];
        for (int k = 0; k < f; k++) {
            names.add(featureMap.get(k).getName());
            column[k] = MlFeatures.NAMES.indexOf(names.get(k));
            if (column[k] < 0) {
                throw new IllegalStateException("Model feature " + names.get(k) + " is not a feature of this version");
            }
        }
        float[] dense = new float[rows.length * f];
        for (int r = 0; r < rows.length; r++) {
            double[] x = table.values()[rows[r]];
            for (int k = 0; k < f; k++) {
                dense[r * f + k] = (float) x[column[k]];
            }
        }
        int pos = model.getOutputIDInfo().getID(Candidates.POSITIVE);
        int neg = model.getOutputIDInfo().getID(Candidates.NEGATIVE);
        List<Booster> boosters = model.getInnerModels(); // copies: disposed below
        DMatrix matrix = new DMatrix(dense, rows.length, f, Float.NaN);
        try {
            if (boosters.size() != 1) {
                throw new IllegalStateException("Expected one booster, found " + boosters.size());
            }
            Booster booster = boosters.get(0);
            float[][] contrib = booster.predictContrib(matrix, 0);
            float[][] margin = booster.predict(matrix, true, 0);
            double[][] phi = new double[rows.length][f];
            double[] bias = new double[rows.length];
            double[] margins = new double[rows.length];
            double maxError = 0;
            for (int r = 0; r < rows.length; r++) {
                if (contrib[r].length != 2 * (f + 1) || margin[r].length != 2) {
                    throw new IllegalStateException("Unexpected predictContrib shape " + contrib[r].length
                            + " for " + f + " features and 2 classes");
                }
                double sum = 0;
                for (int k = 0; k < f; k++) {
                    phi[r][k] = (double) contrib[r][pos * (f + 1) + k] - contrib[r][neg * (f + 1) + k];
                    sum += phi[r][k];
                }
                bias[r] = (double) contrib[r][pos * (f + 1) + f] - contrib[r][neg * (f + 1) + f];
                margins[r] = (double) margin[r][pos] - margin[r][neg];
                maxError = Math.max(maxError, Math.abs(sum + bias[r] - margins[r]));
            }
            return new Values(List.copyOf(names), phi, bias, margins, maxError);
        } finally {
            matrix.dispose();
            boosters.forEach(Booster::dispose);
        }
    }

    private static Values linear(TransformerMap transformers, LinearSGDModel model, FeatureTable table, int[] rows) {
        ImmutableFeatureMap featureMap = model.getFeatureIDMap();
        int f = featureMap.size();
        DenseMatrix w = model.getWeightsCopy(); // outputs × (features + 1), bias last
        int pos = model.getOutputIDInfo().getID(Candidates.POSITIVE);
        int neg = model.getOutputIDInfo().getID(Candidates.NEGATIVE);
        List<String> names = new ArrayList<>(f);
        double[] dw = new double[f];
        int[] column = new int[f];
        for (int k = 0; k < f; k++) {
            names.add(featureMap.get(k).getName());
            column[k] = MlFeatures.NAMES.indexOf(names.get(k));
            dw[k] = w.get(pos, k) - w.get(neg, k);
        }
        double db = w.get(pos, f) - w.get(neg, f);
        double[][] z = new double[rows.length][f];
        double[] mean = new double[f];
        for (int r = 0; r < rows.length; r++) {
            double[] x = table.values()[rows[r]];
            for (int k = 0; k < f; k++) {
                var list = transformers.get(names.get(k));
                z[r][k] = list == null ? x[column[k]] : TransformerMap.applyTransformerList(x[column[k]], list);
                mean[k] += z[r][k] / rows.length;
            }
        }
        double base = db;
        for (int k = 0; k < f; k++) {
            base += dw[k] * mean[k];
        }
        double[][] phi = new double[rows.length][f];
        double[] bias = new double[rows.length];
        double[] margins = new double[rows.length];
        double maxError = 0;
        for (int r = 0; r < rows.length; r++) {
            double sum = 0;
            double margin = db;
            for (int k = 0; k < f; k++) {
                phi[r][k] = dw[k] * (z[r][k] - mean[k]);
                sum += phi[r][k];
                margin += dw[k] * z[r][k];
            }
            bias[r] = base;
            margins[r] = margin;
            maxError = Math.max(maxError, Math.abs(sum + base - margin));
        }
        return new Values(List.copyOf(names), phi, bias, margins, maxError);
    }

    private static void checkAgainstPredictions(Model<Label> model, FeatureTable table, int[] rows, double[] margins) {
        List<Example<Label>> examples = Candidates.examples(table, rows);
        List<Prediction<Label>> predictions = model.predict(examples);
        for (int r = 0; r < rows.length; r++) {
            var scores = predictions.get(r).getOutputScores();
            double p1 = scores.get(Candidates.POSITIVE.getLabel()).getScore();
            double p0 = scores.get(Candidates.NEGATIVE.getLabel()).getScore();
            if (p1 <= 1e-30 || p0 <= 1e-30) {
                continue; // saturated probability: no usable log-odds
            }
            double logOdds = Math.log(p1) - Math.log(p0);
            if (Math.abs(logOdds - margins[r]) > PREDICTION_TOLERANCE) {
                throw new IllegalStateException("SHAP input does not reproduce the model's prediction (explained row "
                        + r + "): margin " + margins[r] + " vs log-odds " + logOdds + "; is the column order right?");
            }
        }
    }
}
