package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import io.execkpi.ml.features.FeatureTable;
import io.execkpi.ml.features.MlFeatures;
import io.execkpi.ml.model.Candidates;
import io.execkpi.ml.model.MlSettings;
import io.execkpi.ml.model.Shap;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * SHAP on real Tribuo models (the settings of jobs/ml.yml) trained on synthetic data with a planted signal:
 * contributions + bias reproduce the model's log-odds within 1e-4 on every explained row, for both candidates and
 * after a save/load round trip; the planted strongest feature ranks first.
 */
class ShapTest {

    static FeatureTable table;
    static int[] all;
    static MlSettings settings;

    @BeforeAll
    static void data() {
        settings = MlSettings.load(new ClassPathResource("jobs/ml.yml"));
        Random random = new Random(11);
        int n = 800;
        int f = MlFeatures.NAMES.size();
        int orders = MlFeatures.NAMES.indexOf("orders_30d");
        int recency = MlFeatures.NAMES.indexOf("days_since_last_session");
        long[] ids = new long[n];
        int[] labels = new int[n];
        boolean[] active = new boolean[n];
        double[][] values = new double[n][f];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
            for (int j = 0; j < f; j++) {
                values[i][j] = random.nextInt(4) == 0 ? 0.0 : random.nextDouble() * 10;
            }
            values[i][orders] = random.nextInt(4);
            values[i][recency] = random.nextDouble() * 90;
            double logit = -2.5 + 1.4 * values[i][orders] - 0.02 * values[i][recency];
            labels[i] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
            active[i] = true;
        }
        table = new FeatureTable(ids, labels, active, values);
        all = IntStream.range(0, n).toArray();
    }

    @Test
    void treeShapIsAdditiveOnEveryRowAndRanksThePlantedFeatureFirst() throws Exception {
        Model<Label> model = Candidates.train(Candidates.XGBOOST, Candidates.dataset(table, all, "synthetic"), settings);
        Shap.Values values = Shap.explain(model, table, all);
        assertAdditive(values);
        assertThat(values.features()).containsExactlyInAnyOrderElementsOf(MlFeatures.NAMES);
        List<Shap.Importance> ranking = values.meanAbs();
        assertThat(ranking.get(0).feature()).isEqualTo("orders_30d");
        assertThat(ranking).isSortedAccordingTo((a, b) -> Double.compare(b.meanAbsShap(), a.meanAbsShap()));

        // the bias is the same for every row, and the margin is the log-odds of Tribuo's own probability
        assertThat(values.bias()).containsOnly(values.bias()[0]);
        double[] p = Candidates.positiveProbabilities(model, Candidates.examples(table, new int[] {0, 1, 2}));
        for (int r = 0; r < 3; r++) {
            assertThat(values.margins()[r]).isCloseTo(Math.log(p[r] / (1 - p[r])), within(1e-4));
        }

        // a model loaded from its file explains identically
        Path file = TestData.newDataDir("shap").resolve("model.tribuo");
        Candidates.save(model, file);
        assertThat(Files.size(file)).isPositive();
        Shap.Values reloaded = Shap.explain(Candidates.load(file), table, all);
        assertThat(reloaded.contributions()).isDeepEqualTo(values.contributions());
    }

    @Test
    void linearShapOfTheLogisticBaselineIsAdditive() throws Exception {
        Model<Label> model = Candidates.train(Candidates.LOGISTIC, Candidates.dataset(table, all, "synthetic"),
                settings);
        Shap.Values values = Shap.explain(model, table, all);
        assertAdditive(values);
        assertThat(values.meanAbs().get(0).feature()).isEqualTo("orders_30d");
    }

    private static void assertAdditive(Shap.Values values) {
        assertThat(values.rows()).isEqualTo(table.size());
        assertThat(values.maxAdditivityError()).isLessThanOrEqualTo(Shap.ADDITIVITY_TOLERANCE);
        for (int r = 0; r < values.rows(); r++) {
            double sum = values.bias()[r];
            for (double phi : values.contributions()[r]) {
                sum += phi;
            }
            assertThat(sum).as("row %d", r).isCloseTo(values.margins()[r], within(Shap.ADDITIVITY_TOLERANCE));
        }
    }
}
