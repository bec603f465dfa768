package io.execkpi.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * Apache ECharts options for the dashboard, built on the server from the same rows the JSON API serves: a page embeds
 * the option as JSON ({@link #json}) and {@code /js/dashboard.js} only draws it, so what a chart shows is exactly
 * what the API says (the browser tests compare the two). Each builder returns a plain map (ECharts option object).
 * Values are numbers or null (a gap); labels are strings (ISO dates for time axes).
 */
@Component("charts")
public class Charts {

    /** A named series of values, one per category of the x axis. */
    public record Series(String name, List<? extends Number> values) {
    }

    private final JsonMapper json;

    public Charts(JsonMapper json) {
        this.json = json;
    }

    /**
     * The option as JSON that is safe inside an HTML {@code <script type="application/json">} element ({@code <},
     * {@code >} and {@code &} escaped as JSON unicode escapes, which only occur inside strings).
     */
    public String json(Object option) {
        return json.writeValueAsString(option).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    }

    /** Lines over a category axis of dates; {@code area} shades under a single series. */
    public static Map<String, Object> lines(List<String> x, List<Series> series, boolean area) {
        Map<String, Object> option = base(series.size() > 1);
        option.put("xAxis", dateAxis(option, x));
        option.put("yAxis", Map.of("type", "value", "scale", true));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Series s : series) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("name", s.name());
            line.put("type", "line");
            line.put("showSymbol", x.size() <= 60);
            line.put("data", s.values());
            if (area && series.size() == 1) {
                line.put("areaStyle", Map.of("opacity", 0.15));
            }
            out.add(line);
        }
        option.put("series", out);
        option.put("dataZoom", x.size() > 60 ? List.of(Map.of("type", "inside")) : List.of());
        return option;
    }

    /** An estimate with the bounds of its interval, one value per category of the x axis. */
    public record Interval(String name, List<? extends Number> estimate, List<? extends Number> low,
                           List<? extends Number> high) {
    }

    private static final List<String> PALETTE = List.of("#5470c6", "#91cc75", "#ee6666", "#73c0de", "#3ba272",
            "#fc8452", "#9a60b4", "#ea7ccc");

    /**
     * Estimates over a category axis of dates, each as a solid line with its interval bounds as dashed lines of the
     * same colour (series {@code 3i}, {@code 3i+1}, {@code 3i+2} = estimate, low, high of interval i) and a line at 0.
     */
    public static Map<String, Object> intervals(List<String> x, List<Interval> intervals) {
        Map<String, Object> option = base(true);
        // the lowest value label (e.g. "−12 %") is centred on the x axis line and the first date is centred on the
        // plot's left edge: push the dates further below the line (ECharts' default margin is 8 px) so they never meet
        Map<String, Object> xAxis = new LinkedHashMap<>(dateAxis(option, x));
        xAxis.put("axisLabel", Map.of("margin", LIFT_DATE_MARGIN));
        option.put("xAxis", xAxis);
        option.put("yAxis", Map.of("type", "value", "scale", true));
        List<Map<String, Object>> series = new ArrayList<>();
        for (int i = 0; i < intervals.size(); i++) {
            Interval in = intervals.get(i);
            String color = PALETTE.get(i % PALETTE.size());
            Map<String, Object> estimate = new LinkedHashMap<>(Map.of("name", in.name(), "type", "line",
                    "data", in.estimate(), "color", color, "lineStyle", Map.of("width", 2)));
            if (i == 0) {
                estimate.put("markLine", Map.of("silent", true, "symbol", "none", "data", List.of(Map.of("yAxis", 0)),
                        "lineStyle", Map.of("color", "#57606a"), "label", Map.of("show", false)));
            }
            series.add(estimate);
            for (List<? extends Number> bound : List.of(in.low(), in.high())) {
                series.add(Map.of("name", in.name() + (bound == in.low() ? " low" : " high"), "type", "line",
                        "data", bound, "color", color, "showSymbol", false,
                        "lineStyle", Map.of("type", "dashed", "width", 1)));
            }
        }
        option.put("series", series);
        return option;
    }

    /** Gap in pixels between the x axis line and the dates of {@link #intervals}: more than half a 12 px label. */
    static final int LIFT_DATE_MARGIN = 16;

    /** A tiny line without axes or tooltip, for a KPI tile. */
    public static Map<String, Object> sparkline(List<String> x, List<? extends Number> values) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("animation", false);
        option.put("grid", Map.of("left", 2, "right", 2, "top", 4, "bottom", 4));
        option.put("xAxis", Map.of("type", "category", "show", false, "data", x, "boundaryGap", false));
        option.put("yAxis", Map.of("type", "value", "show", false, "scale", true));
        option.put("series", List.of(Map.of("type", "line", "data", values, "showSymbol", false,
                "lineStyle", Map.of("width", 1.5), "areaStyle", Map.of("opacity", 0.12))));
        return option;
    }

    /** Bars for categories; {@code horizontal} puts the categories on the y axis (first category on top). */
    public static Map<String, Object> bars(List<String> categories, String name, List<? extends Number> values,
                                           boolean horizontal) {
        Map<String, Object> option = base(false);
        Map<String, Object> category = new LinkedHashMap<>(Map.of("type", "category", "data", categories));
        Map<String, Object> value = Map.of("type", "value");
        if (horizontal) {
            category.put("inverse", true);
            option.put("grid", Map.of("left", 8, "right", 24, "top", 16, "bottom", 8, "containLabel", true));
        }
        option.put("xAxis", horizontal ? value : category);
        option.put("yAxis", horizontal ? category : value);
        option.put("series", List.of(Map.of("name", name, "type", "bar", "data", values)));
        return option;
    }

    /** A funnel of stages (largest first) with their values. */
    public static Map<String, Object> funnel(List<String> stages, List<? extends Number> values) {
        List<Map<String, Object>> data = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            data.add(Map.of("name", stages.get(i), "value", values.get(i)));
        }
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "item"));
        option.put("series", List.of(Map.of("name", "Sessions", "type", "funnel", "sort", "none", "gap", 2,
                "left", "10%", "width", "80%", "label", Map.of("show", true, "position", "inside"), "data", data)));
        return option;
    }

    /**
     * A heatmap: {@code cells} are {@code [xIndex, yIndex, value, …]} with values in [0, 1] shaded by a visual map
     * (further entries of a cell are carried along for the tooltip). A position without a cell is left blank.
     */
    public static Map<String, Object> heatmap(List<String> x, List<String> y, List<List<Number>> cells,
                                              String valueName) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("position", "top"));
        option.put("grid", Map.of("left", 8, "right", 8, "top", 8, "bottom", 64, "containLabel", true));
        // no split areas: their grey bands behind the cells of weeks not yet reached looked like low values
        option.put("xAxis", Map.of("type", "category", "data", x, "name", "week"));
        option.put("yAxis", Map.of("type", "category", "data", y, "inverse", true));
        option.put("visualMap", Map.of("dimension", 2, "min", 0, "max", 1, "calculable", true, "orient", "horizontal",
                "left", "center", "bottom", 0, "inRange", Map.of("color", List.of("#f7fbff", "#08519c"))));
        option.put("series", List.of(Map.of("name", valueName, "type", "heatmap", "data", cells,
                "label", Map.of("show", x.size() <= 13 && y.size() <= 20))));
        return option;
    }

    /**
     * Points (x, y) as a line with markers over a numeric x axis, with an optional dashed reference diagonal from
     * (0, 0) to (1, 1) (a calibration diagram).
     */
    public static Map<String, Object> xy(String name, List<List<Number>> points, boolean diagonal, String xName,
                                         String yName) {
        Map<String, Object> option = base(diagonal);
        option.put("xAxis", Map.of("type", "value", "min", 0, "max", 1, "name", xName, "nameLocation", "middle",
                "nameGap", 28));
        option.put("yAxis", Map.of("type", "value", "min", 0, "max", 1, "name", yName, "nameLocation", "middle",
                "nameGap", 40));
        List<Map<String, Object>> series = new ArrayList<>();
        series.add(Map.of("name", name, "type", "line", "data", points, "symbolSize", 8));
        if (diagonal) {
            // the colour on the series itself, so that its legend entry has the colour of its line
            series.add(Map.of("name", "Perfect calibration", "type", "line", "data", List.of(List.of(0, 0), List.of(1, 1)),
                    "showSymbol", false, "color", "#888", "lineStyle", Map.of("type", "dashed")));
        }
        option.put("series", series);
        // room for the axis titles (outside the labels, which containLabel alone makes room for)
        option.put("grid", Map.of("left", 36, "right", 24, "top", diagonal ? 36 : 16, "bottom", 40,
                "containLabel", true));
        return option;
    }

    /**
     * A category axis of dates from edge to edge. Its first and last labels are centred on the plot's edges, so the
     * plot keeps {@link #DATE_LABEL_HALF} pixels free on both sides (with short value labels on the left, half of the
     * first date was cut off; aligning that label inwards instead makes ECharts hide it as overlapping the next one).
     */
    private static Map<String, Object> dateAxis(Map<String, Object> option, List<String> x) {
        option.put("grid", grid(DATE_LABEL_HALF, option.containsKey("legend")));
        return Map.of("type", "category", "data", x, "boundaryGap", false);
    }

    /** Half the width of an ISO date label ("2026-11-08") at ECharts' default 12 px font, rounded up. */
    private static final int DATE_LABEL_HALF = 36;

    private static Map<String, Object> grid(int left, boolean legend) {
        return Map.of("left", left, "right", 40, "top", legend ? 36 : 16, "bottom", 8, "containLabel", true);
    }

    private static Map<String, Object> base(boolean legend) {
        Map<String, Object> option = new LinkedHashMap<>();
        option.put("tooltip", Map.of("trigger", "axis"));
        option.put("grid", grid(8, legend));
        if (legend) {
            option.put("legend", Map.of("type", "scroll", "top", 0));
        }
        return option;
    }
}
