package io.execkpi.kpi;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.config.ExecKpiProperties;
import io.execkpi.web.ApiException;
import io.execkpi.warehouse.WarehouseTables;
import io.execkpi.web.DateParams;

import io.swagger.v3.oas.annotations.Operation;
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

/** Read API for precomputed KPIs: the catalog and each KPI's rows over a date range. */
@RestController
@Tag(name = "KPIs", description = "Precomputed KPIs materialized by kpiJob")
@RequestMapping("/api/kpis")
public class KpiController {

    private final KpiCatalog catalog;
    private final KpiResultsRepository results;
    private final KpiProperties properties;
    private final ExecKpiProperties app;
    private final Clock clock;
    private final KpiReadCache cache;
    private final WarehouseTables tables;

    public KpiController(KpiCatalog catalog, KpiResultsRepository results, KpiProperties properties,
                         ExecKpiProperties app, Clock clock, KpiReadCache cache, WarehouseTables tables) {
        this.tables = tables;
        this.catalog = catalog;
        this.results = results;
        this.properties = properties;
        this.app = app;
        this.clock = clock;
        this.cache = cache;
    }

    public record ColumnInfo(String name, String type, String description, boolean key) {
    }

    /**
     * One catalog entry; {@code unavailable} is null, or why the KPI cannot be computed on this warehouse (an
     * imported export without a table it needs), in which case it is not materialized.
     */
    public record KpiInfo(String name, String description, String grain, String partition, List<ColumnInfo> columns,
                          LocalDate latestDate, String unavailable) {
    }

    public record KpiRows(String kpi, LocalDate from, LocalDate to, List<String> columns, List<Map<String, Object>> rows) {
    }

    @Operation(summary = "The KPI catalog", description = "Every KPI with its description, grain, partition key, columns and latest materialized business date; unavailable: null, or why the KPI cannot be computed on this warehouse (an imported export without a table it needs).")
    @GetMapping
    public List<KpiInfo> list() {
        // what changes it (a latest date, an import's tables) changes when a job writes: cached like the reads
        return cache.get("", "catalog", null, null, this::catalog);
    }

    private List<KpiInfo> catalog() {
        return catalog.all().stream().map(kpi -> new KpiInfo(kpi.name(), kpi.description(),
                kpi.grain().name().toLowerCase(), kpi.partition(), columns(kpi),
                results.latestDate(kpi.name()).orElse(null),
                tables.missing(kpi.requiredTables()).map(reason -> MaterializeKpiTasklet.unavailable(kpi, reason))
                        .orElse(null))).toList();
    }

    /**
     * Rows whose partition (date, as-of date or cohort week) lies in [from, to]; by default the
     * {@code execkpi.kpi.default-range-days} days up to the latest materialized date.
     */
    @Operation(summary = "Rows of one KPI", description = "Rows whose partition (date, as-of date or cohort week) lies in [from, to], ordered by the KPI keys; default: the last 30 days up to the latest materialized date. 400 for a bad date, from after to or a range over execkpi.kpi.max-range-days; 404 for an unknown KPI.")
    @GetMapping("/{name}")
    public KpiRows rows(@PathVariable String name, @RequestParam(required = false) String from,
                        @RequestParam(required = false) String to) {
        Range range = range(name, from, to);
        KpiDefinition kpi = range.kpi();
        return cache.get(kpi.name(), range.from(), range.to(), () -> new KpiRows(kpi.name(), range.from(),
                range.to(), kpi.columns().stream().map(KpiDefinition.Column::name).toList(),
                results.read(kpi, range.from(), range.to())));
    }

    /**
     * A KPI and the partition dates [from, to] that {@link #rows} reads for these parameters.
     *
     * @param kpi  the catalog entry
     * @param from first partition date, inclusive
     * @param to   last partition date, inclusive, not before {@code from}
     */
    public record Range(KpiDefinition kpi, LocalDate from, LocalDate to) {
    }

    /**
     * The range {@link #rows} reads: {@code from}/{@code to} as given (ISO dates, either may be null), by default
     * the {@code execkpi.kpi.default-range-days} days up to the latest materialized date.
     *
     * @throws ApiException 404 for an unknown KPI; 400 for a bad date, {@code from} after {@code to} or a range over
     *                      {@code execkpi.kpi.max-range-days}
     */
    public Range range(String name, String from, String to) {
        KpiDefinition kpi = catalog.find(name).orElseThrow(() -> ApiException.notFound(
                "Unknown KPI '" + name + "'. Known KPIs: " + catalog.all().stream().map(KpiDefinition::name).toList()));
        LocalDate toDate = DateParams.parse("to", to);
        LocalDate fromDate = DateParams.parse("from", from);
        if (toDate == null) {
            toDate = fromDate != null
                    ? DateParams.plusDaysWithinRange(fromDate, properties.defaultRangeDays() - 1L)
                    : results.latestDate(kpi.name()).orElseGet(() -> app.yesterday(clock));
        }
        if (fromDate == null) {
            fromDate = DateParams.plusDaysWithinRange(toDate, 1L - properties.defaultRangeDays());
        }
        if (fromDate.isAfter(toDate)) {
            throw ApiException.badRequest("'from' (" + fromDate + ") is after 'to' (" + toDate + ")");
        }
        long days = ChronoUnit.DAYS.between(fromDate, toDate) + 1;
        if (days > properties.maxRangeDays()) {
            throw ApiException.badRequest("The range " + fromDate + ".." + toDate + " spans " + days
                    + " days; at most " + properties.maxRangeDays() + " days can be read at once");
        }
        return new Range(kpi, fromDate, toDate);
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
    @Operation(summary = "Rows of one KPI as CSV", description = "The rows of GET /api/kpis/{name} as RFC 4180 CSV (header row, CRLF); also with Accept: text/csv. Same parameters and errors.")
    @GetMapping(path = {"/{name}.csv", "/{name}"}, produces = TEXT_CSV)
    public ResponseEntity<String> csv(@PathVariable String name, @RequestParam(required = false) String from,
                                      @RequestParam(required = false) String to) {
        KpiRows rows = rows(name, from, to);
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

    private static List<ColumnInfo> columns(KpiDefinition kpi) {
        return kpi.columns().stream()
                .map(c -> new ColumnInfo(c.name(), c.type(), c.description(), kpi.keys().contains(c)))
                .toList();
    }
}
