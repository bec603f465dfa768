package io.execkpi.ml.model;

import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.oracle.labs.mlrg.olcut.config.json.JsonProvenanceSerialization;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;

import io.execkpi.ml.features.FeatureTable;
import io.execkpi.ml.features.MlFeatures;

import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.transform.Transformation;
import org.tribuo.transform.TransformTrainer;
import org.tribuo.transform.TransformationMap;
import org.tribuo.transform.transformations.MeanStdDevTransformation;

/**
 * The two model candidates, trained with Tribuo on a {@link FeatureTable}: gradient-boosted trees (XGBoost) and a
 * logistic-regression baseline. Labels are {@code "1"} (converted) and {@code "0"}; every example carries every
 * feature, zeros included, so the models see explicit zeros and never a "missing" value.
 */
public final class Candidates {

    public static final String XGBOOST = "xgboost";
    public static final String LOGISTIC = "logistic_regression";
    public static final List<String> NAMES = List.of(XGBOOST, LOGISTIC);

    public static final Label POSITIVE = new Label("1");
    public static final Label NEGATIVE = new Label("0");
    private static final LabelFactory FACTORY = new LabelFactory();

    private Candidates() {
    }

    /** Tribuo examples of the given rows (the label is the row's label). */
    public static List<Example<Label>> examples(FeatureTable table, int[] rows) {
        String[] names = MlFeatures.NAMES.toArray(String[]::new);
        List<Example<Label>> out = new ArrayList<>(rows.length);
        for (int i : rows) {
            out.add(new ArrayExample<>(table.labels()[i] == 1 ? POSITIVE : NEGATIVE, names, table.values()[i]));
        }
        return out;
    }

    public static MutableDataset<Label> dataset(FeatureTable table, int[] rows, String description) {
        return new MutableDataset<>(examples(table, rows),
                new SimpleDataSourceProvenance(description, OffsetDateTime.now(ZoneOffset.UTC), FACTORY), FACTORY);
    }

    public static Model<Label> train(String candidate, MutableDataset<Label> train, MlSettings settings) {
        return switch (candidate) {
            case XGBOOST -> xgboost(settings.xgboost()).train(train);
            case LOGISTIC -> logistic(train, settings.logistic()).train(train);
            default -> throw new IllegalArgumentException("unknown candidate " + candidate);
        };
    }

    static XGBoostClassificationTrainer xgboost(MlSettings.Xgboost s) {
        XGBoostTrainer.TreeMethod method = XGBoostTrainer.TreeMethod.valueOf(s.treeMethod().toUpperCase(Locale.ROOT));
        return new XGBoostClassificationTrainer(XGBoostTrainer.BoosterType.GBTREE, method, s.trees(), s.eta(), 0.0,
                s.maxDepth(), s.minChildWeight(), s.subsample(), s.colsample(), 1.0, 0.0, s.threads(),
                XGBoostTrainer.LoggingVerbosity.SILENT, s.seed());
    }

    /**
     * Standardizes every feature that varies in the training data (a constant feature would divide by a zero standard
     * deviation; it is left as it is and acts as part of the bias).
     */
    static TransformTrainer<Label> logistic(MutableDataset<Label> train, MlSettings.Logistic s) {
        Map<String, List<Transformation>> perFeature = new HashMap<>();
        int n = train.size();
        for (String name : MlFeatures.NAMES) {
            double first = Double.NaN;
            boolean varies = false;
            for (int i = 0; i < n && !varies; i++) {
                double v = train.getExample(i).lookup(name).getValue();
                if (i == 0) {
                    first = v;
                } else if (v != first) {
                    varies = true;
                }
            }
            if (varies) {
                perFeature.put(name, List.of(new MeanStdDevTransformation()));
            }
        }
        // logging interval -1: no progress line every 1000 examples; minibatch 1 (plain SGD)
        LinearSGDTrainer sgd = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(s.learningRate(), 0.1),
                s.epochs(), -1, 1, s.seed());
        return new TransformTrainer<>(sgd, new TransformationMap(perFeature));
    }

    /** Predicted probabilities of the positive class. */
    public static double[] positiveProbabilities(Model<Label> model, List<Example<Label>> examples) {
        List<Prediction<Label>> predictions = model.predict(examples);
        double[] p = new double[predictions.size()];
        for (int i = 0; i < p.length; i++) {
            Label scored = predictions.get(i).getOutputScores().get(POSITIVE.getLabel());
            double score = scored == null ? 0.0 : scored.getScore();
            p[i] = Math.min(1.0, Math.max(0.0, score));
        }
        return p;
    }

    /** Tribuo's model provenance (data, trainer and its hyper-parameters, versions) as JSON. */
    public static String provenanceJson(Model<Label> model) {
        return new JsonProvenanceSerialization(true)
                .serializeToString(ProvenanceUtil.marshalProvenance(model.getProvenance()));
    }

    public static void save(Model<Label> model, Path file) throws IOException {
        model.serializeToFile(file);
    }

    @SuppressWarnings("unchecked")
    public static Model<Label> load(Path file) throws IOException {
        Model<?> model = Model.deserializeFromFile(file);
        if (!model.validate(Label.class)) {
            throw new IOException("Model " + file + " is not a classification model");
        }
        return (Model<Label>) model;
    }
}
