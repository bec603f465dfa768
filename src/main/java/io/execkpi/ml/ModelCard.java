package io.execkpi.ml;

import java.util.Locale;

import io.execkpi.ml.eval.ModelMetrics;
import io.execkpi.ml.model.MlSettings;

/** The short human-readable {@code model_card.md} of a run. */
final class ModelCard {

    private ModelCard() {
    }

    static String render(ModelMetrics.Report m, ShapSummary shap, MlSettings settings) {
        StringBuilder md = new StringBuilder();
        md.append("# Model card: ").append(settings.horizonDays()).append("-day conversion propensity, run ")
                .append(m.runId()).append("\n\n");
        md.append("## Purpose\n");
        md.append("Probability that a registered user places a non-cancelled order within the next ")
                .append(settings.horizonDays()).append(" days. Used to rank users (deciles) for CRM targeting; ")
                .append("not for decisions about individuals without review.\n\n");
        md.append("## Data window\n");
        md.append("- Business date: ").append(m.businessDate()).append('\n');
        md.append("- Cutoff T: ").append(m.cutoff()).append(" (business date minus ").append(settings.horizonDays())
                .append(" days, 00:00 UTC). Every feature uses only warehouse rows dated strictly before T.\n");
        md.append("- Label: a non-cancelled order created in (T, ").append(m.labelWindowEnd())
                .append("]; this window is complete on the business date.\n\n");
        md.append("## Population\n");
        md.append("Users who signed up before T: ").append(m.trainRows() + m.testRows()).append(" users, ")
                .append(m.trainPositives() + m.testPositives()).append(" converters. Stratified split with a fixed ")
                .append("seed: ").append(m.trainRows()).append(" train (base rate ").append(pct(m.trainBaseRate()))
                .append("), ").append(m.testRows()).append(" test (base rate ").append(pct(m.testBaseRate()))
                .append(").\n\n");
        md.append("## Features\n");
        md.append(String.join(", ", m.features())).append(".\n");
        md.append("Definitions: `sql/<dialect>/ml_features.sql`. \"Days since\" values are capped (last order 365, ")
                .append("last session 90); the cap also stands for \"none in the window\".\n\n");
        md.append("## Model\n");
        md.append("Chosen: **").append(m.model()).append("** (").append(m.selection()).append(").\n\n");
        md.append("| candidate | AUC | average precision | log loss | Brier | ECE | train s |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (ModelMetrics.Candidate c : m.candidates()) {
            md.append("| ").append(c.name()).append(" | ").append(f(c.auc())).append(" | ")
                    .append(f(c.averagePrecision())).append(" | ").append(f(c.logLoss())).append(" | ")
                    .append(f(c.brier())).append(" | ").append(f(c.ece())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", c.trainSeconds())).append(" |\n");
        }
        md.append("\nAt the threshold ").append(f(m.threshold())).append(" (").append(m.thresholdRule())
                .append("): precision ").append(f(m.precision())).append(", recall ").append(f(m.recall()))
                .append(", F1 ").append(f(m.f1())).append(" (TP ").append(m.truePositives()).append(", FP ")
                .append(m.falsePositives()).append(", TN ").append(m.trueNegatives()).append(", FN ")
                .append(m.falseNegatives()).append(").\n\n");
        md.append("## Explanations\n");
        md.append("Mean |SHAP| (log-odds) over ").append(shap.rows()).append(" test rows, top features: ");
        md.append(String.join(", ", shap.features().stream().limit(5)
                .map(i -> i.feature() + " " + f(i.meanAbsShap())).toList())).append(".\n\n");
        md.append("## Caveats\n");
        md.append("- Trained on one cutoff: seasonality and campaigns after T are not seen by the model.\n");
        md.append("- Few converters make the test metrics noisy; compare runs by their candidate table, not one number.\n");
        md.append("- Traffic source and demographics are correlates of propensity, not causes.\n");
        md.append("- Scores rank users active in the ").append(settings.scoring().activeDays())
                .append(" days before the business date; inactive users are not scored.\n");
        return md.toString();
    }

    private static String f(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String pct(Double value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%.2f %%", value * 100);
    }
}
