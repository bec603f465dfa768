package io.execkpi.kpi;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.core.StreamWriteFeature;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * Read API for precomputed KPIs: the catalog and each KPI's rows over a date range, as JSON or CSV. The reads are
 * {@link KpiReads}'s, which the dashboard pages share.
 */
@RestController
@Tag(name = "KPIs", description = "Precomputed KPIs materialized by kpiJob")
@RequestMapping("/api/kpis")
public class KpiController {

    private final KpiReads reads;
    private final KpiCatalog catalog;

    public KpiController(KpiReads reads, KpiCatalog catalog) {
        this.reads = reads;
        this.catalog = catalog;
    }

    @Operation(summary = "The KPI catalog", description = "Every KPI with its description, grain, partition key, columns and latest materialized business date; unavailable: null, or why the KPI cannot be computed on this warehouse (an imported export without a table it needs).")
    @GetMapping
    public List<KpiReads.KpiInfo> list() {
        return reads.catalog();
    }

    /**
     * Rows whose partition (date, as-of date or cohort week) lies in [from, to]; by default the
     * {@code execkpi.kpi.default-range-days} days up to the latest materialized date.
     */
    @Operation(summary = "Rows of one KPI", description = "Rows whose partition (date, as-of date or cohort week) lies in [from, to], ordered by the KPI keys; default: the last 30 days up to the latest materialized date. With by=<dimension> (one of the KPI's dimensions in GET /api/kpis): one row per date and value of it, with the breakdown's measures and ratios (ratios from the row's numerator and denominator); with <dimension>=<value>: the rows of that value alone, combinable with by on another dimension when one of the two is a filter dimension. 400 for a bad date, from after to, a range over execkpi.kpi.max-range-days, a dimension the KPI does not have, more than one dimension filter or a pair that is not materialized; 404 for an unknown KPI.")
    @GetMapping("/{name}")
    public KpiReads.KpiRows rows(@PathVariable String name, @RequestParam(required = false) String from,
                                 @RequestParam(required = false) String to, @RequestParam(required = false) String by,
                                 @Parameter(hidden = true) @RequestParam Map<String, String> query) {
        Map<String, String> filters = filters(query);
        return by == null && filters.isEmpty() ? reads.rows(name, from, to)
                : reads.sliced(name, from, to, by == null ? null : by.strip(), filters);
    }

    @Operation(summary = "Period totals of a KPI with dimensions", description = "Over [from, to] (default: the last 30 days up to the latest materialized date): one row per value of by, or one row, with every measure summed over the days and every ratio divided from those sums (never a mean of daily ratios), and days: the dates with a row. Same parameters and errors as GET /api/kpis/{name} with by or a dimension filter; a KPI without dimensions is a 400.")
    @GetMapping("/{name}/summary")
    public KpiReads.KpiRows summary(@PathVariable String name, @RequestParam(required = false) String from,
                                    @RequestParam(required = false) String to,
                                    @RequestParam(required = false) String by,
                                    @Parameter(hidden = true) @RequestParam Map<String, String> query) {
        return reads.summary(name, from, to, by == null ? null : by.strip(), filters(query));
    }

    /** The query parameters that name a catalog dimension (anything else but from, to and by is ignored). */
    private Map<String, String> filters(Map<String, String> query) {
        Map<String, String> filters = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (!k.equals("from") && !k.equals("to") && !k.equals("by") && catalog.dimension(k).isPresent()) {
                filters.put(k, v);
            }
        });
        return filters;
    }

    /** RFC 4180 media type of the CSV representation. */
    public static final String TEXT_CSV = "text/csv";

    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    /**
     * The same rows as {@link #rows} as RFC 4180 CSV (header row of the catalog's column names, CRLF line ends,
     * ISO dates, plain decimal numbers, empty field for null), for {@code Accept: text/csv} or the {@code .csv}
     * suffix; sent as an attachment named {@code <kpi>_<from>_<to>.csv}.
     */
    @Operation(summary = "Rows of one KPI as CSV", description = "The rows of GET /api/kpis/{name} as RFC 4180 CSV (header row, CRLF); also with Accept: text/csv. Same parameters (by, dimension filters) and errors.")
    @GetMapping(path = {"/{name}.csv", "/{name}"}, produces = TEXT_CSV)
    public ResponseEntity<String> csv(@PathVariable String name, @RequestParam(required = false) String from,
                                      @RequestParam(required = false) String to,
                                      @RequestParam(required = false) String by,
                                      @Parameter(hidden = true) @RequestParam Map<String, String> query) {
        KpiReads.KpiRows rows = rows(name, from, to, by, query);
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true).setLineSeparator("\r\n");
        rows.columns().forEach(schema::addColumn);
        List<Map<String, Object>> plain = rows.rows().stream().map(KpiController::plainNumbers).toList();
        String body = CSV.writer(schema.build()).writeValueAsString(plain);
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(rows.kpi() + "_" + rows.from() + "_" + rows.to() + ".csv").build().toString())
                .body(body);
    }

    /** Doubles as BigDecimal (their shortest decimal form) so that CSV never shows exponent notation. */
    private static Map<String, Object> plainNumbers(Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        row.forEach((k, v) -> out.put(k, v instanceof Double d && Double.isFinite(d) ? BigDecimal.valueOf(d) : v));
        return out;
    }
}
