package io.execkpi.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code sql/bigquery/*.sql} file passes the offline check ({@link BigQuerySqlCheck}) against the thelook
 * schema and its DuckDB twin, every DuckDB query has a BigQuery version, and the check itself catches the mistakes it is
 * meant to catch.
 */
class BigQuerySqlFilesTest {

    private static final Path BIGQUERY = Path.of("sql/bigquery");
    private static final Path EMBEDDED = Path.of("sql/duckdb");

    static Stream<String> bigQueryFiles() throws IOException {
        return names(BIGQUERY).stream();
    }

    private static Set<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
                    .map(n -> n.substring(0, n.length() - 4)).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyQueryHasABigQueryVersion() throws IOException {
        assertThat(names(BIGQUERY)).as("sql/bigquery must hold a version of every sql/duckdb query")
                .containsAll(names(EMBEDDED));
        assertThat(names(EMBEDDED)).as("every sql/bigquery query must have its DuckDB version (same parameters and columns)")
                .containsAll(names(BIGQUERY));
        assertThat(names(BIGQUERY)).contains("revenue_daily", "funnel_daily", "retention_weekly", "ab_metrics");
    }

    @ParameterizedTest
    @MethodSource("bigQueryFiles")
    void passesTheOfflineCheck(String name) throws IOException {
        String template = Files.readString(BIGQUERY.resolve(name + ".sql"));
        Path embedded = EMBEDDED.resolve(name + ".sql");
        String embeddedSql = Files.exists(embedded) ? Files.readString(embedded) : null;

        assertThat(BigQuerySqlCheck.check(name + ".sql", template, embeddedSql)).isEmpty();
    }

    @Test
    void theSchemaFollowsTheEmbeddedWarehousesColumnNames() throws IOException {
        Map<String, Set<String>> embedded = new LinkedHashMap<>();
        String ddl = Files.readString(Path.of("src/main/resources/thelook/schema.sql"));
        Matcher table = Pattern.compile("CREATE TABLE IF NOT EXISTS (\\w+) \\((.*?)\\n\\);", Pattern.DOTALL)
                .matcher(ddl);
        while (table.find()) {
            Set<String> columns = new TreeSet<>();
            for (String line : table.group(2).split("\n")) {
                Matcher column = Pattern.compile("^\\s+([a-z_]+)\\s+[A-Z]").matcher(line);
                if (column.find() && !column.group(1).equals("primary")) {
                    columns.add(column.group(1));
                }
            }
            embedded.put(table.group(1), columns);
        }
        Map<String, Map<String, String>> all = new LinkedHashMap<>(TheLookBigQuerySchema.THELOOK);
        all.putAll(TheLookBigQuerySchema.EXPERIMENTS);
        all.forEach((name, columns) -> {
            assertThat(embedded).as("table " + name).containsKey(name);
            columns.forEach((column, type) -> {
                if (!type.equals("GEOGRAPHY")) { // the embedded warehouse has no geography columns
                    assertThat(embedded.get(name)).as(name + "." + column).contains(column);
                }
            });
        });
    }

    private static List<String> problems(String bigQuery) throws IOException {
        String embedded = Files.readString(EMBEDDED.resolve("revenue_daily.sql"));
        return BigQuerySqlCheck.check("mutated.sql", bigQuery, embedded);
    }

    @Test
    void theCheckFindsMistakes() throws IOException {
        String good = Files.readString(BIGQUERY.resolve("revenue_daily.sql"));
        assertThat(problems(good)).isEmpty();

        assertThat(problems(good.replace("oi.sale_price", "oi.sale_prize")))
                .anyMatch(p -> p.contains("oi.sale_prize: no column sale_prize"));
        assertThat(problems(good.replace("o.status = 'Complete'", "o.state = 'Complete'")))
                .anyMatch(p -> p.contains("o.state: no column state"));
        assertThat(problems(good.replace("GROUP BY d\n", "GROUP BY dd\n")))
                .anyMatch(p -> p.contains("unknown name dd"));
        assertThat(problems(good.replace("{{source}}.order_items", "{{source}}.order_item")))
                .anyMatch(p -> p.contains("unknown table `src-project.thelook.order_item`"));
        assertThat(problems(good.replace("{{source}}.orders", "bigquery-public-data.thelook_ecommerce.orders")))
                .anyMatch(p -> p.contains("no dataset may be written into SQL"));
        assertThat(problems(good.replace("DATE_ADD(@to, INTERVAL 1 DAY)", "DATEADD(DAY, 1, @to)")))
                .anyMatch(p -> p.contains("DATEADD is not GoogleSQL"));
        assertThat(problems(good.replace("TIMESTAMP(@from)", "TIMESTAMP(:from)")))
                .anyMatch(p -> p.contains("is the embedded (DuckDB) parameter syntax"));
        assertThat(problems(good.replace("TIMESTAMP(@from)", "TIMESTAMP(@start)")))
                .anyMatch(p -> p.contains("@start is not a parameter of the DuckDB version"));
        assertThat(problems(good.replace("COALESCE(p.items, 0) AS items,\n", "")))
                .anyMatch(p -> p.contains("differ from the DuckDB version's"));
        assertThat(problems(good.replace("AS aov", "AS avg_order_value")))
                .anyMatch(p -> p.contains("differ from the DuckDB version's"));
        assertThat(problems(good.replace("GROUP BY d\n)", "GROUP BY d\n")))
                .anyMatch(p -> p.contains("unbalanced parentheses"));
        assertThat(problems(good.replace("o.status = 'Complete'", "o.status = 'Complete")))
                .anyMatch(p -> p.contains("unterminated string literal"));
        assertThat(problems(good + "\n-- {{#experiments}}\nSELECT 1\n")).anyMatch(p -> p.contains("is not closed"));
        assertThat(problems(good.replace("{{source}}.orders", "{{sorce}}.orders")))
                .anyMatch(p -> p.contains("{{sorce}}"));
    }
}
