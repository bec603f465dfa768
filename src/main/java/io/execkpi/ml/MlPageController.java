package io.execkpi.ml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.execkpi.web.ApiException;
import io.execkpi.web.Charts;
import io.execkpi.web.DashboardPage;

import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import tools.jackson.databind.JsonNode;

/**
 * The model page {@code /ml}: the published run's test metrics (AUC, average precision, log loss, Brier, ECE), the
 * confusion matrix at its stored threshold, the reliability diagram, SHAP mean |value| per feature, the score
 * distribution by decile of the latest scoring, the model card, artifact downloads, and AUC per business date over
 * the run history. Everything comes from {@link MlReads} (the JSON API's read path); before the first run the
 * page explains what is missing instead.
 */
@Controller
@DashboardPage
public class MlPageController {

    private static final List<org.commonmark.Extension> GFM = List.of(TablesExtension.create());
    private static final Parser MARKDOWN = Parser.builder().extensions(GFM).build();
    private static final HtmlRenderer HTML = HtmlRenderer.builder().extensions(GFM).escapeHtml(true)
            .sanitizeUrls(true).build();

    private final MlReads api;

    public MlPageController(MlReads api) {
        this.api = api;
    }

    @GetMapping("/ml")
    public String model(Model model) {
        Optional<JsonNode> latest = ApiException.orEmpty(api::latest);
        model.addAttribute("metrics", latest.orElse(null));
        if (latest.isEmpty()) {
            return "ml/model";
        }
        JsonNode m = latest.get();
        String runId = m.get("runId").asString();
        model.addAttribute("runId", runId);
        model.addAttribute("run", api.run(runId));
        model.addAttribute("calibrationChart", calibration(m));
        ApiException.orEmpty(api::shap).ifPresent(shap -> {
            model.addAttribute("shap", shap);
            model.addAttribute("shapChart", shapChart(shap));
            model.addAttribute("shapHeight", shapChartHeight(shap.get("features").size()));
        });
        ApiException.orEmpty(() -> api.deciles(null)).ifPresent(d -> {
            model.addAttribute("deciles", d);
            model.addAttribute("decileChart", decileChart(d.deciles()));
        });
        MlReads.Runs runs = api.runs();
        List<MlReads.RunInfo> history = runs.runs().stream()
                .sorted(Comparator.comparing(MlReads.RunInfo::businessDate,
                        Comparator.nullsFirst(Comparator.naturalOrder()))
                        .thenComparing(MlReads.RunInfo::runId)).toList();
        model.addAttribute("runs", runs.runs());
        model.addAttribute("historyChart", historyChart(history));
        model.addAttribute("modelCard", modelCard(runId));
        return "ml/model";
    }

    /** Height in CSS pixels of one bar of the SHAP chart, so that every feature's label stays legible. */
    static final int SHAP_BAR_PX = 22;

    /**
     * Height in CSS pixels of the SHAP chart for {@code features} bars: {@link #SHAP_BAR_PX} per bar plus 56 for the
     * grid's margins and the value axis' labels, at least 220 (a handful of features).
     */
    static int shapChartHeight(int features) {
        return Math.max(220, features * SHAP_BAR_PX + 56);
    }

    /** Test AUC per business date (oldest first): a line on a value axis that ends at 1, the largest AUC there is. */
    static Map<String, Object> historyChart(List<MlReads.RunInfo> history) {
        Map<String, Object> option = Charts.lines(history.stream().map(r -> String.valueOf(r.businessDate())).toList(),
                List.of(new Charts.Series("AUC", history.stream().map(MlReads.RunInfo::auc).toList())), false);
        option.put("yAxis", Map.of("type", "value", "scale", true, "max", 1, "name", "test AUC",
                "nameTextStyle", Map.of("align", "left")));
        option.put("grid", Map.of("left", 36, "right", 40, "top", 32, "bottom", 8, "containLabel", true));
        return option;
    }

    /** Mean propensity (a probability, shown in percent) per score decile D1..D10, the y axis named. */
    static Map<String, Object> decileChart(List<MlScoresRepository.Decile> deciles) {
        Map<String, Object> option = Charts.bars(deciles.stream().map(x -> "D" + x.decile()).toList(),
                "mean propensity", deciles.stream().map(MlScoresRepository.Decile::meanPropensity).toList(), false);
        // the title starts at the axis (centred on it, its left half was cut off at the chart's edge)
        option.put("yAxis", Map.of("type", "value", "name", "mean predicted propensity",
                "nameTextStyle", Map.of("align", "left")));
        option.put("grid", Map.of("left", 8, "right", 24, "top", 32, "bottom", 8, "containLabel", true));
        return option;
    }

    /** Reliability diagram: mean predicted probability against observed rate per non-empty bin of the test split. */
    static Map<String, Object> calibration(JsonNode metrics) {
        List<List<Number>> points = new ArrayList<>();
        JsonNode bins = metrics.get("calibration");
        if (bins != null) {
            for (JsonNode b : bins) {
                if (b.get("count").asLong() > 0 && b.get("meanPredicted").isNumber() && b.get("observedRate").isNumber()) {
                    points.add(List.of(b.get("meanPredicted").asDouble(), b.get("observedRate").asDouble()));
                }
            }
        }
        return Charts.xy("Test split", points, true, "mean predicted probability", "observed rate");
    }

    /** SHAP mean |value| per feature (log-odds), largest on top, as {@code shap_summary.json} lists them. */
    static Map<String, Object> shapChart(JsonNode shap) {
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (JsonNode f : shap.get("features")) {
            names.add(f.get("feature").asString());
            values.add(f.get("meanAbsShap").asDouble());
        }
        return Charts.bars(names, "mean |SHAP| (log-odds)", values, true);
    }

    private String modelCard(String runId) {
        Optional<Path> card = api.artifact(runId, MlArtifactStore.MODEL_CARD);
        if (card.isEmpty()) {
            return null;
        }
        try {
            return HTML.render(MARKDOWN.parse(Files.readString(card.get())));
        } catch (IOException e) {
            return null;
        }
    }
}
