package io.execkpi.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BigQuerySqlTest {

    private static Map<String, String> datasets(String source, String experiments) {
        Map<String, String> datasets = new HashMap<>();
        datasets.put("source", source);
        datasets.put("experiments", experiments);
        return datasets;
    }

    @Test
    void substitutesValidatedDatasetsIntoPlaceholders() {
        String sql = "SELECT id FROM `{{source}}.users` JOIN `{{experiments}}.assignments` USING (id)";

        assertThat(BigQuerySql.render("q", sql, datasets("my-project.thelook", "ab")))
                .isEqualTo("SELECT id FROM `my-project.thelook.users` JOIN `ab.assignments` USING (id)\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.b.c", "proj:ds", "ds` WHERE 1=1 --", "my ds", "ds;DROP", "", "proj.data-set",
            "ds/*", "ds\n"})
    void rejectsAnythingButProjectDotDataset(String dataset) {
        assertThatThrownBy(() -> BigQuerySql.render("q", "SELECT 1", datasets(dataset, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a dataset id");
        assertThatThrownBy(() -> new BigQueryProperties(null, dataset.isEmpty() ? "x.y.z" : dataset, null, null,
                null, Map.of(), Duration.ofMinutes(1), 10, 1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1),
                null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("source-dataset");
    }

    @Test
    void keepsTheBlockForWhetherTheExperimentsDatasetIsSet() {
        String sql = """
                WITH
                -- {{#experiments}}
                a AS (SELECT * FROM `{{experiments}}.assignments`),
                -- {{/experiments}}
                -- {{^experiments}}
                a AS (SELECT id AS user_id FROM `{{source}}.users`),
                -- {{/experiments}}
                b AS (SELECT 1)
                SELECT * FROM a""";

        assertThat(BigQuerySql.render("q", sql, datasets("src", "exp")))
                .contains("`exp.assignments`").doesNotContain("users").doesNotContain("{{");
        assertThat(BigQuerySql.render("q", sql, datasets("src", null)))
                .contains("`src.users`").doesNotContain("assignments").doesNotContain("{{");
    }

    @Test
    void templateMistakesAreErrors() {
        assertThatThrownBy(() -> BigQuerySql.render("q", "SELECT * FROM `{{experiments}}.x`", datasets("s", null)))
                .hasMessageContaining("no dataset is configured");
        assertThatThrownBy(() -> BigQuerySql.render("q", "SELECT * FROM `{{project}}.x`", datasets("s", null)))
                .hasMessageContaining("unknown placeholder {{project}}");
        assertThatThrownBy(() -> BigQuerySql.render("q", "-- {{#experiments}}\nSELECT 1", datasets("s", null)))
                .hasMessageContaining("not closed");
        assertThatThrownBy(() -> BigQuerySql.render("q", "-- {{/experiments}}\nSELECT 1", datasets("s", null)))
                .hasMessageContaining("closes no block");
    }

    @Test
    void findsParametersOutsideStringsNamesAndComments() {
        String sql = """
                SELECT '@no1', "@no2", `@no3`, r'@no4', '''@no5
                ''', @yes1 -- @no6
                # @no7
                /* @no8
                */ FROM t WHERE a = @yes2 AND b = @@session.time_zone AND c = 'it\\'s @no9' AND @yes1 > 0""";

        assertThat(BigQuerySql.parameterNames(sql)).containsExactly("yes1", "yes2");
    }
}
