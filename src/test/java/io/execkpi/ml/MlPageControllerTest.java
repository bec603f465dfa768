package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

/** The model page's chart options: sizes and axes worked out by hand. */
class MlPageControllerTest {

    @Test
    void theShapChartGrowsWith22PixelsPerFeature() {
        // 27 features: 27 * 22 + 56 = 650 px; a few features keep the 220 px floor
        assertThat(MlPageController.shapChartHeight(27)).isEqualTo(650);
        assertThat(MlPageController.shapChartHeight(28) - MlPageController.shapChartHeight(27)).isEqualTo(22);
        assertThat(MlPageController.shapChartHeight(3)).isEqualTo(220);
    }

    @Test
    void theAucAxisEndsAt1WithItsMinimumFromTheData() {
        Map<String, Object> option = MlPageController.historyChart(List.of(
                new MlReads.RunInfo("a", LocalDate.parse("2026-11-27"), "xgboost", 0.93, false),
                new MlReads.RunInfo("b", LocalDate.parse("2026-11-28"), "xgboost", 0.99, true)));
        Map<?, ?> y = (Map<?, ?>) option.get("yAxis");
        assertThat(y.get("max")).isEqualTo(1);
        assertThat(y.get("min")).isNull();
        assertThat(y.get("name")).isEqualTo("test AUC");
        assertThat(((Map<?, ?>) ((List<?>) option.get("series")).get(0)).get("data")).isEqualTo(List.of(0.93, 0.99));
    }

    @Test
    void theCalibrationAndDecileAxesAreNamed() {
        var metrics = JsonMapper.builder().build().readTree("""
                {"calibration": [{"count": 10, "meanPredicted": 0.05, "observedRate": 0.1},
                                 {"count": 0, "meanPredicted": null, "observedRate": null}]}""");
        Map<String, Object> calibration = MlPageController.calibration(metrics);
        assertThat(((Map<?, ?>) calibration.get("xAxis")).get("name")).isEqualTo("mean predicted probability");
        assertThat(((Map<?, ?>) calibration.get("yAxis")).get("name")).isEqualTo("observed rate");
        // the x title sits 28 px under the axis: the grid leaves room for it below the labels
        assertThat((Integer) ((Map<?, ?>) calibration.get("grid")).get("bottom")).isGreaterThanOrEqualTo(28);
        assertThat(((Map<?, ?>) ((List<?>) calibration.get("series")).get(0)).get("data"))
                .isEqualTo(List.of(List.of(0.05, 0.1)));
        Map<String, Object> deciles = MlPageController.decileChart(List.of(
                new MlScoresRepository.Decile(1, 5, 0.3, 0.2, 0.4), new MlScoresRepository.Decile(2, 5, 0.1, 0.0, 0.2)));
        assertThat(((Map<?, ?>) deciles.get("yAxis")).get("name")).isEqualTo("mean predicted propensity");
        assertThat(((Map<?, ?>) deciles.get("xAxis")).get("data")).isEqualTo(List.of("D1", "D2"));
    }
}
