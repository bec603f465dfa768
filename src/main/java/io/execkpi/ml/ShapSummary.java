package io.execkpi.ml;

import java.util.List;

import io.execkpi.ml.model.Shap;

/**
 * The content of {@code shap_summary.json}: mean |SHAP| (log-odds) per feature over {@code rows} explained test rows,
 * sorted by {@code meanAbsShap} descending.
 */
public record ShapSummary(String runId, int rows, List<Shap.Importance> features) {
}
