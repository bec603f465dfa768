package io.execkpi.kpi.page;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiReads;
import io.execkpi.web.ApiException;
import io.execkpi.web.Formats;

import org.springframework.web.util.HtmlUtils;

/**
 * The table of a KPI page: one page of a range's rows as formatted cells, and the HTML of a table body. A view model
 * of the dashboard only; the JSON and CSV endpoints serve the stored values as they are.
 */
public final class KpiTable {

    private KpiTable() {
    }

    /** A formatted table cell; numbers are right-aligned; {@code title} (may be null) is shown on hover. */
    public record Cell(String text, boolean numeric, String title) {

        public Cell(String text, boolean numeric) {
            this(text, numeric, null);
        }
    }

    /** Rows of the table per page: a 365-day range of a KPI with several keys has thousands of rows. */
    public static final int PAGE_SIZE = 100;

    /** The {@code page} parameter: 1 when absent; 400 when not a whole number of at least 1. */
    public static int pageNumber(String page) {
        if (page == null || page.isBlank()) {
            return 1;
        }
        try {
            int n = Integer.parseInt(page.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("Query parameter 'page' must be a whole number of at least 1, got '" + page + "'");
    }

    /**
     * One page of the table: rows {@code first..last} (1-based, inclusive) of {@code total}, newest partition first.
     *
     * @param page  the page shown (1-based; a page past the last shows the last)
     * @param pages how many pages the range has (at least 1)
     * @param rows  the page's rows as formatted cells, in catalog column order
     */
    public record TablePage(int page, int pages, int first, int last, int total, List<List<Cell>> rows) {

        /** The rows as the HTML of a table body ({@link #tbody}). */
        public String html() {
            return tbody(null, rows);
        }
    }

    /**
     * The HTML of {@code <tr>} rows of {@code <td>} cells, every text HTML-escaped, numeric cells with class
     * {@code num}; with {@code rowHeaders} (null: none) each row starts with its {@code <th scope="row">}. Written
     * here rather than by the template: Thymeleaf expressions per cell were about half of a 365-day KPI page's
     * server time (JFR samples of DashboardBenchmark).
     */
    public static String tbody(List<String> rowHeaders, List<List<Cell>> rows) {
        StringBuilder html = new StringBuilder(rows.size() * 128);
        for (int i = 0; i < rows.size(); i++) {
            html.append("<tr>");
            if (rowHeaders != null) {
                html.append("<th scope=\"row\">").append(HtmlUtils.htmlEscape(rowHeaders.get(i))).append("</th>");
            }
            for (Cell c : rows.get(i)) {
                html.append(c.numeric() ? "<td class=\"num\"" : "<td");
                if (c.title() != null) {
                    html.append(" title=\"").append(HtmlUtils.htmlEscape(c.title())).append('"');
                }
                html.append('>').append(HtmlUtils.htmlEscape(c.text())).append("</td>");
            }
            html.append("</tr>\n");
        }
        return html.toString();
    }

    /**
     * Page {@code page} of the table as formatted cells, in catalog column order: counts with separators, decimals
     * with 2 to 4 fraction digits, shares ({@code unit: share}) as percent with one decimal ({@code 0.8062 → 80.6 %}),
     * dates and text as they are.
     *
     * @param pageRows the page's rows as {@link KpiReads#page} returns them (newest partition first,
     *                 then by key), at most {@link #PAGE_SIZE}
     * @param page     the page shown (1-based, not past the last)
     * @param total    how many rows the whole range has
     */
    public static TablePage table(KpiDefinition kpi, List<Map<String, Object>> pageRows, int page, long total,
                           Formats fmt) {
        int pages = (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
        int from = (page - 1) * PAGE_SIZE;
        int to = from + pageRows.size();
        List<KpiDefinition.Column> columns = kpi.columns();
        List<List<Cell>> table = new ArrayList<>(pageRows.size());
        for (Map<String, Object> r : pageRows) {
            List<Cell> cells = new ArrayList<>(columns.size());
            for (KpiDefinition.Column c : columns) {
                Object v = r.get(c.name());
                cells.add(switch (c.type()) {
                    case "integer" -> new Cell(fmt.integer((Number) v), true);
                    case "decimal" -> new Cell(c.isShare() ? fmt.percent((Number) v, 1) : fmt.number((Number) v), true);
                    default -> new Cell(v == null ? Formats.NONE : String.valueOf(v), false);
                });
            }
            table.add(cells);
        }
        return new TablePage(page, pages, pageRows.isEmpty() ? 0 : from + 1, to, Math.toIntExact(total), table);
    }
}
