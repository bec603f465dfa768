package io.execkpi.warehouse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.zetasql.AnalyzerOptions;
import com.google.zetasql.LanguageOptions;
import com.google.zetasql.PreparedQuery;
import com.google.zetasql.SimpleCatalog;
import com.google.zetasql.SimpleColumn;
import com.google.zetasql.SimpleTable;
import com.google.zetasql.TableContent;
import com.google.zetasql.Type;
import com.google.zetasql.TypeFactory;
import com.google.zetasql.Value;
import com.google.zetasql.ZetaSQLBuiltinFunctionOptions;
import com.google.zetasql.ZetaSQLOptions.ProductMode;
import com.google.zetasql.ZetaSQLType.TypeKind;

/**
 * A {@link Warehouse} of the {@code bigquery} dialect that executes the real files of {@code sql/bigquery/} offline
 * with ZetaSQL's reference implementation (Google's GoogleSQL front end and evaluator, {@code PreparedQuery}) over
 * {@link FixtureTables}. The file is rendered as production renders it ({@link BigQuerySql}: source dataset
 * {@code thelook}, experiments dataset {@code experiments} or none), parameters are typed by
 * {@link BigQueryWarehouse}'s own binding, the default time zone is UTC (as in BigQuery) and rows come back as
 * {@link BigQueryWarehouse} returns them (INT64 → {@link Long}, FLOAT64 → {@link Double}, NUMERIC →
 * {@link BigDecimal}, DATE → {@link LocalDate}, TIMESTAMP → {@link Instant}).
 *
 * <p>Tables have the BigQuery columns of {@link TheLookBigQuerySchema} (GEOGRAPHY columns left out: no query reads
 * them); a fixture table missing here is empty.
 */
public final class ZetaSqlWarehouse implements Warehouse {

    static final String SOURCE = "thelook";
    static final String EXPERIMENTS = "experiments";

    private final FixtureTables fixture;
    private final boolean experimentsDataset;

    /**
     * @param experimentsDataset whether {@code ab_metrics} reads the experiments dataset (its {@code {{#experiments}}}
     *                           block) or falls back to the A/A hash split
     */
    public ZetaSqlWarehouse(FixtureTables fixture, boolean experimentsDataset) {
        this.fixture = fixture;
        this.experimentsDataset = experimentsDataset;
    }

    @Override
    public String dialect() {
        return "bigquery";
    }

    @Override
    public long query(String queryName, Map<String, ?> parameters, Consumer<Map<String, Object>> rows) {
        return query(queryName, files -> files.apply(queryName), parameters, rows);
    }

    @Override
    public long query(String queryName, java.util.function.Function<java.util.function.Function<String, String>, String> compose,
                      Map<String, ?> parameters, Consumer<Map<String, Object>> rows) {
        String template = compose.apply(ZetaSqlWarehouse::file);
        Map<String, String> datasets = new HashMap<>();
        datasets.put("source", SOURCE);
        datasets.put("experiments", experimentsDataset ? EXPERIMENTS : null);
        String sql = BigQuerySql.render(queryName, template, datasets);

        AnalyzerOptions options = new AnalyzerOptions();
        LanguageOptions language = new LanguageOptions();
        language.enableMaximumLanguageFeatures();
        language.setProductMode(ProductMode.PRODUCT_EXTERNAL);
        options.setLanguageOptions(language);
        options.setDefaultTimezone("UTC");
        Map<String, Value> values = new LinkedHashMap<>();
        for (String name : BigQuerySql.parameterNames(sql)) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("Query " + queryName + " needs parameter @" + name);
            }
            Value value = parameter(name, parameters.get(name));
            options.addQueryParameter(name, value.getType());
            values.put(name, value);
        }

        SimpleCatalog catalog = new SimpleCatalog("fixture");
        catalog.addZetaSQLFunctionsAndTypes(new ZetaSQLBuiltinFunctionOptions(language));
        Map<String, TableContent> contents = new HashMap<>();
        addDataset(catalog, contents, SOURCE, TheLookBigQuerySchema.THELOOK);
        addDataset(catalog, contents, EXPERIMENTS, TheLookBigQuerySchema.EXPERIMENTS);

        try (PreparedQuery query = PreparedQuery.builder().setSql(sql).setAnalyzerOptions(options)
                .setCatalog(catalog).setTablesContents(contents).prepare()) {
            List<String> names = query.getColumns().stream().map(c -> c.getName().toLowerCase(Locale.ROOT)).toList();
            long count = 0;
            for (List<Value> row : query.execute(values).getTableData()) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    out.put(names.get(i), toJava(row.get(i)));
                }
                rows.accept(out);
                count++;
            }
            return count;
        }
    }

    /** The text of {@code sql/bigquery/<name>.sql}. */
    private static String file(String name) {
        Path file = Path.of("sql", "bigquery", name + ".sql");
        if (!Files.isRegularFile(file)) {
            throw new UnknownQueryException("No query " + file);
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void addDataset(SimpleCatalog catalog, Map<String, TableContent> contents, String dataset,
                            Map<String, Map<String, String>> schema) {
        schema.forEach((table, columns) -> {
            String fullName = dataset + "." + table;
            List<String> names = new ArrayList<>();
            List<Type> types = new ArrayList<>();
            List<SimpleColumn> simpleColumns = new ArrayList<>();
            columns.forEach((column, bigQueryType) -> {
                if (!bigQueryType.equals("GEOGRAPHY")) {
                    Type type = TypeFactory.createSimpleType(kind(bigQueryType));
                    names.add(column);
                    types.add(type);
                    simpleColumns.add(new SimpleColumn(fullName, column, type));
                }
            });
            catalog.addSimpleTable(new SimpleTable(fullName, simpleColumns));
            FixtureTables.Table rows = fixture.tables().get(table);
            List<List<Value>> data = new ArrayList<>();
            if (rows != null) {
                for (String column : rows.columns()) {
                    if (!names.contains(column)) {
                        throw new IllegalArgumentException("Fixture column " + table + "." + column
                                + " is not in the BigQuery schema");
                    }
                }
                for (List<Object> row : rows.rows()) {
                    List<Value> out = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) {
                        int at = rows.columns().indexOf(names.get(i));
                        out.add(value(fullName + "." + names.get(i), at < 0 ? null : row.get(at), types.get(i)));
                    }
                    data.add(out);
                }
            }
            contents.put(fullName, TableContent.create(data));
        });
    }

    private static TypeKind kind(String bigQueryType) {
        return switch (bigQueryType) {
            case "INT64" -> TypeKind.TYPE_INT64;
            case "FLOAT64" -> TypeKind.TYPE_DOUBLE;
            case "STRING" -> TypeKind.TYPE_STRING;
            case "TIMESTAMP" -> TypeKind.TYPE_TIMESTAMP;
            case "DATE" -> TypeKind.TYPE_DATE;
            case "BOOL" -> TypeKind.TYPE_BOOL;
            default -> throw new IllegalArgumentException("Unsupported BigQuery type " + bigQueryType);
        };
    }

    /** A fixture value as a ZetaSQL value of the column's type. */
    private static Value value(String column, Object v, Type type) {
        if (v == null) {
            return Value.createNullValue(type);
        }
        return switch (type.getKind()) {
            case TYPE_INT64 -> Value.createInt64Value(((Number) v).longValue());
            case TYPE_DOUBLE -> Value.createDoubleValue(((Number) v).doubleValue());
            case TYPE_STRING -> Value.createStringValue((String) v);
            case TYPE_BOOL -> Value.createBoolValue((Boolean) v);
            case TYPE_DATE -> Value.createDateValue((LocalDate) v);
            case TYPE_TIMESTAMP -> Value.createTimestampValueFromUnixMicros(micros((LocalDateTime) v));
            default -> throw new IllegalArgumentException(column + ": unsupported type " + type);
        };
    }

    /**
     * A caller's parameter typed by production's own {@link BigQueryWarehouse#parameter} (so both bind the same
     * BigQuery type), then carried over as the ZetaSQL value of that type.
     */
    static Value parameter(String name, Object value) {
        QueryParameterValue bound = BigQueryWarehouse.parameter(name, value);
        String text = bound.getValue();
        StandardSQLTypeName type = bound.getType();
        return switch (type) {
            case INT64 -> Value.createInt64Value(Long.parseLong(text));
            case FLOAT64 -> Value.createDoubleValue(Double.parseDouble(text));
            case NUMERIC -> Value.createNumericValue(new BigDecimal(text));
            case BOOL -> Value.createBoolValue(Boolean.parseBoolean(text));
            case STRING -> Value.createStringValue(text);
            case DATE -> Value.createDateValue(LocalDate.parse(text));
            case TIMESTAMP -> Value.createTimestampValueFromUnixMicros(ChronoUnit.MICROS.between(Instant.EPOCH,
                    OffsetDateTime.parse(text, BIGQUERY_TIMESTAMP).toInstant()));
            default -> throw new IllegalArgumentException("Parameter @" + name + ": unsupported type " + type);
        };
    }

    /** How the BigQuery client writes a TIMESTAMP parameter: {@code 2025-03-15 00:00:00.000000+00:00}. */
    private static final DateTimeFormatter BIGQUERY_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx");

    private static long micros(LocalDateTime utc) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, utc.toInstant(ZoneOffset.UTC));
    }

    /** A result value as {@link BigQueryWarehouse#toJava} returns it. */
    static Object toJava(Value v) {
        if (v.isNull()) {
            return null;
        }
        return switch (v.getType().getKind()) {
            case TYPE_INT64 -> v.getInt64Value();
            case TYPE_DOUBLE -> v.getDoubleValue();
            case TYPE_NUMERIC -> v.getNumericValue();
            case TYPE_BIGNUMERIC -> v.getBigNumericValue();
            case TYPE_BOOL -> v.getBoolValue();
            case TYPE_STRING -> v.getStringValue();
            case TYPE_DATE -> v.getLocalDateValue();
            case TYPE_TIMESTAMP -> Instant.EPOCH.plus(v.getTimestampUnixMicros(), ChronoUnit.MICROS);
            default -> throw new IllegalStateException("Unsupported result type " + v.getType());
        };
    }
}
