package io.execkpi.warehouse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.execkpi.warehouse.BigQuerySql.Kind;
import io.execkpi.warehouse.BigQuerySql.Token;

/**
 * An offline check of a {@code sql/bigquery/*.sql} file, without BigQuery and without new dependencies. It lexes
 * the file (the lexer of {@link BigQuerySql}) and checks, for the rendering with and without an experiments dataset:
 * <ol>
 *   <li>rendering: placeholders known, blocks balanced; no dataset written into the file (every quoted table name
 *       is {@code `{{source}}.table`} or {@code `{{experiments}}.table`}, no unquoted three-part name);</li>
 *   <li>syntax basics: strings, quoted names and comments closed; parentheses balanced; one statement starting
 *       with SELECT or WITH; no H2- or DuckDB-only constructs ({@code :param}, DATEADD, DATEDIFF, SYSTEM_RANGE, …);</li>
 *   <li>schema: every table exists in thelook (or the experiments dataset); every {@code alias.column} of a table
 *       or CTE alias names a column of it; every other identifier is a column of a table the file reads, a name
 *       the file defines ({@code AS name}, CTE names) or a GoogleSQL keyword, function, type or date part;</li>
 *   <li>parameters: every {@code @param} is one the DuckDB version of the same query takes ({@code :param}), so the
 *       caller binds it;</li>
 *   <li>output: the final SELECT's column names are the DuckDB version's, in the same order.</li>
 * </ol>
 * Limits: it does not type-check expressions or resolve scopes (a column of another table of the same file would
 * pass), and a name missing from the vocabulary below needs adding when a file starts using a new function.
 */
final class BigQuerySqlCheck {

    static final String SOURCE = "src-project.thelook";
    static final String EXPERIMENTS = "exp-project.ab_tests";

    /** GoogleSQL keywords, functions, types and date parts the files may use (upper case). */
    static final Set<String> VOCABULARY = Set.of(
            // keywords
            "ALL", "AND", "ANY", "ARRAY", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "CROSS", "CURRENT",
            "DESC", "DISTINCT", "ELSE", "END", "EXCEPT", "EXISTS", "FALSE", "FOLLOWING", "FROM", "FULL", "GROUP",
            "HAVING", "IF", "IN", "INNER", "INTERSECT", "INTERVAL", "IS", "JOIN", "LEFT", "LIKE", "LIMIT", "NOT",
            "NULL", "NULLS", "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION", "PRECEDING", "QUALIFY",
            "RANGE", "RIGHT", "ROW", "ROWS", "SELECT", "STRUCT", "THEN", "TRUE", "UNBOUNDED", "UNION", "UNNEST",
            "USING", "WHEN", "WHERE", "WINDOW", "WITH", "FIRST", "LAST", "RESPECT", "IGNORE", "SAFE",
            // functions
            "ABS", "ANY_VALUE", "APPROX_COUNT_DISTINCT", "ARRAY_AGG", "AVG", "CEIL", "COALESCE", "CONCAT", "COUNT",
            "COUNTIF", "CURRENT_DATE", "CURRENT_TIMESTAMP", "DATE", "DATETIME", "DATE_ADD", "DATE_DIFF",
            "DATE_SUB", "DATE_TRUNC", "DENSE_RANK", "DIV", "EXP", "EXTRACT", "FARM_FINGERPRINT", "FLOOR", "FORMAT_DATE",
            "GENERATE_ARRAY", "GENERATE_DATE_ARRAY", "GREATEST", "IFNULL", "LAG", "LEAD", "LEAST", "LENGTH", "LN",
            "LOG", "LOGICAL_AND", "LOGICAL_OR", "LOWER", "MAX", "MIN", "MOD", "NULLIF", "POW", "POWER", "RANK",
            "ROUND", "ROW_NUMBER", "SAFE_CAST", "SAFE_DIVIDE", "SIGN", "SQRT", "STDDEV", "STDDEV_SAMP", "SUBSTR",
            "SUM", "TIMESTAMP", "TIMESTAMP_ADD", "TIMESTAMP_DIFF", "TIMESTAMP_SUB", "TIMESTAMP_TRUNC", "TRUNC",
            "UNIX_SECONDS", "UPPER", "VARIANCE",
            // types
            "BOOL", "BYTES", "FLOAT64", "INT64", "NUMERIC", "BIGNUMERIC", "STRING", "TIME", "JSON",
            // date parts
            "MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY", "DAYOFWEEK", "DAYOFYEAR", "WEEK",
            "ISOWEEK", "MONTH", "QUARTER", "YEAR", "ISOYEAR", "MONDAY", "SUNDAY");

    /** H2, DuckDB (or other dialect) constructs that BigQuery does not have. */
    static final Set<String> FOREIGN = Set.of("DATEADD", "DATEDIFF", "SYSTEM_RANGE", "ISO_DAY_OF_WEEK", "NVL",
            "VARCHAR", "PRECISION", "TOP", "GETDATE", "NOW", "SYSDATE", "DECODE", "ISODOW", "TO_DAYS", "EPOCH");

    private static final Pattern PLACEHOLDER_TABLE = Pattern.compile("\\{\\{(source|experiments)}}\\.([a-z_]+)");

    private BigQuerySqlCheck() {
    }

    /** Every problem found in a BigQuery file, compared with its DuckDB version; empty when it passes. */
    static List<String> check(String name, String template, String embeddedSql) {
        List<String> problems = new ArrayList<>();
        checkTemplate(name, template, problems);
        for (String experiments : new String[] {EXPERIMENTS, null}) {
            Map<String, String> datasets = new HashMap<>();
            datasets.put("source", SOURCE);
            datasets.put("experiments", experiments);
            String variant = experiments == null ? " [A/A split]" : " [experiments dataset]";
            String sql;
            try {
                sql = BigQuerySql.render(name, template, datasets);
            } catch (RuntimeException e) {
                problems.add(name + variant + ": " + e.getMessage());
                continue;
            }
            for (String problem : checkRendered(sql, embeddedSql)) {
                problems.add(name + variant + ": " + problem);
            }
        }
        return List.copyOf(new LinkedHashSet<>(problems));
    }

    private static void checkTemplate(String name, String template, List<String> problems) {
        List<Token> tokens;
        try {
            tokens = BigQuerySql.tokens(template);
        } catch (IllegalStateException e) {
            problems.add(name + ": " + e.getMessage());
            return;
        }
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.QUOTED_NAME && !PLACEHOLDER_TABLE.matcher(t.text()).matches()) {
                problems.add(name + ":" + t.line() + ": `" + t.text()
                        + "` is not `{{source}}.table` or `{{experiments}}.table`: no dataset may be written into SQL");
            }
            if (t.kind() == Kind.WORD && i + 4 < tokens.size() && tokens.get(i + 1).text().equals(".")
                    && tokens.get(i + 2).kind() == Kind.WORD && tokens.get(i + 3).text().equals(".")
                    && tokens.get(i + 4).kind() == Kind.WORD) {
                problems.add(name + ":" + t.line() + ": three-part name " + t.text() + "." + tokens.get(i + 2).text()
                        + "." + tokens.get(i + 4).text() + ": tables must come from {{source}} / {{experiments}}");
            }
        }
    }

    static List<String> checkRendered(String sql, String embeddedSql) {
        List<String> problems = new ArrayList<>();
        List<Token> tokens;
        try {
            tokens = BigQuerySql.tokens(sql);
        } catch (IllegalStateException e) {
            return List.of(e.getMessage());
        }
        if (tokens.isEmpty()) {
            return List.of("empty query");
        }
        String first = tokens.getFirst().text().toUpperCase(Locale.ROOT);
        if (!first.equals("SELECT") && !first.equals("WITH")) {
            problems.add("a query starts with SELECT or WITH, not " + tokens.getFirst().text());
        }
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            switch (t.text()) {
                case "(" -> depth++;
                case ")" -> {
                    if (--depth < 0) {
                        problems.add("line " + t.line() + ": ')' without '('");
                        depth = 0;
                    }
                }
                case ";" -> {
                    if (i != tokens.size() - 1) {
                        problems.add("line " + t.line() + ": more than one statement");
                    }
                }
                case ":" -> {
                    if (i + 1 < tokens.size() && tokens.get(i + 1).kind() == Kind.WORD) {
                        problems.add("line " + t.line() + ": :" + tokens.get(i + 1).text()
                                + " is the embedded (DuckDB) parameter syntax: BigQuery uses @name");
                    }
                }
                default -> {
                }
            }
            if (t.kind() == Kind.WORD && FOREIGN.contains(t.text().toUpperCase(Locale.ROOT))) {
                problems.add("line " + t.line() + ": " + t.text() + " is not GoogleSQL");
            }
        }
        if (depth != 0) {
            problems.add("unbalanced parentheses");
        }

        // tables and their columns
        Map<String, Map<String, String>> tablesByQuotedName = new HashMap<>();
        Set<String> knownColumns = new HashSet<>();
        for (Token t : tokens) {
            if (t.kind() != Kind.QUOTED_NAME) {
                continue;
            }
            Map<String, String> columns = table(t.text());
            if (columns == null) {
                problems.add("line " + t.line() + ": unknown table `" + t.text() + "`");
                continue;
            }
            tablesByQuotedName.put(t.text(), columns);
            knownColumns.addAll(columns.keySet());
        }

        // names the query defines: CTEs (with their output columns) and every AS alias
        Map<String, Set<String>> cteColumns = cteColumns(tokens);
        Set<String> defined = new HashSet<>(cteColumns.keySet());
        cteColumns.values().forEach(defined::addAll);
        // aliases are scoped by parentheses: a binding ("x AS a") holds in the group of the AS and in groups nested
        // in it, so the same alias may stand for different tables in different CTEs
        int[] group = new int[tokens.size()];
        int[] parent = new int[tokens.size()];
        java.util.ArrayDeque<Integer> open = new java.util.ArrayDeque<>();
        for (int i = 0; i < tokens.size(); i++) {
            group[i] = open.isEmpty() ? -1 : open.peek();
            if (tokens.get(i).text().equals("(")) {
                parent[i] = group[i];
                open.push(i);
            } else if (tokens.get(i).text().equals(")") && !open.isEmpty()) {
                open.pop();
                group[i] = open.isEmpty() ? -1 : open.peek();
            }
        }
        Map<Integer, Map<String, Set<String>>> aliasColumns = new HashMap<>();
        for (int i = 0; i + 2 < tokens.size(); i++) {
            if (tokens.get(i + 1).text().equalsIgnoreCase("AS") && tokens.get(i + 2).kind() == Kind.WORD) {
                String alias = tokens.get(i + 2).text();
                defined.add(alias);
                Token source = tokens.get(i);
                Set<String> columns = null;
                if (source.kind() == Kind.QUOTED_NAME && tablesByQuotedName.containsKey(source.text())) {
                    columns = tablesByQuotedName.get(source.text()).keySet();
                } else if (source.kind() == Kind.WORD && cteColumns.containsKey(source.text())
                        && !cteColumns.get(source.text()).isEmpty()) {
                    columns = cteColumns.get(source.text());
                }
                if (columns != null) {
                    aliasColumns.computeIfAbsent(group[i + 1], g -> new HashMap<>()).put(alias, columns);
                }
            }
        }

        // identifiers
        Set<String> embeddedParameters = embeddedParameters(embeddedSql);
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.PARAMETER) {
                String parameter = t.text().substring(1);
                if (!embeddedParameters.contains(parameter)) {
                    problems.add("line " + t.line() + ": @" + parameter + " is not a parameter of the DuckDB version "
                            + embeddedParameters + ", so no caller binds it");
                }
                continue;
            }
            if (t.kind() != Kind.WORD) {
                continue;
            }
            boolean qualified = i > 0 && tokens.get(i - 1).text().equals(".");
            boolean qualifier = i + 2 < tokens.size() && tokens.get(i + 1).text().equals(".")
                    && tokens.get(i + 2).kind() == Kind.WORD;
            if (qualified) {
                String alias = tokens.get(i - 2).text();
                Set<String> columns = null;
                for (int g = group[i]; columns == null; g = parent[g]) {
                    Map<String, Set<String>> bound = aliasColumns.get(g);
                    columns = bound == null ? null : bound.get(alias);
                    if (g == -1) {
                        break;
                    }
                }
                if (columns != null && !columns.contains(t.text())) {
                    problems.add("line " + t.line() + ": " + alias + "." + t.text() + ": no column " + t.text()
                            + " in what " + alias + " stands for " + columns);
                } else if (columns == null && !knownColumns.contains(t.text()) && !defined.contains(t.text())) {
                    problems.add("line " + t.line() + ": unknown column " + alias + "." + t.text());
                }
                continue;
            }
            if (qualifier) {
                if (!defined.contains(t.text())) {
                    problems.add("line " + t.line() + ": " + t.text() + " is not an alias the query defines");
                }
                continue;
            }
            String word = t.text();
            if (!VOCABULARY.contains(word.toUpperCase(Locale.ROOT)) && !knownColumns.contains(word)
                    && !defined.contains(word)) {
                problems.add("line " + t.line() + ": unknown name " + word
                        + " (not a column of the tables read, not defined with AS, not a known GoogleSQL word)");
            }
        }

        // output columns
        List<String> output = outputColumns(tokens, problems);
        if (embeddedSql != null) {
            List<String> expected = outputColumns(BigQuerySql.tokens(embeddedSql), new ArrayList<>());
            if (!output.equals(expected)) {
                problems.add("output columns " + output + " differ from the DuckDB version's " + expected);
            }
        }
        return problems;
    }

    /** The columns a table reference stands for, or null when the table is unknown. */
    private static Map<String, String> table(String quotedName) {
        if (quotedName.startsWith(SOURCE + ".")) {
            return TheLookBigQuerySchema.THELOOK.get(quotedName.substring(SOURCE.length() + 1));
        }
        if (quotedName.startsWith(EXPERIMENTS + ".")) {
            return TheLookBigQuerySchema.EXPERIMENTS.get(quotedName.substring(EXPERIMENTS.length() + 1));
        }
        return null;
    }

    static Set<String> embeddedParameters(String embeddedSql) {
        Set<String> parameters = new LinkedHashSet<>();
        if (embeddedSql == null) {
            return parameters;
        }
        List<Token> tokens = BigQuerySql.tokens(embeddedSql);
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).text().equals(":") && tokens.get(i + 1).kind() == Kind.WORD
                    && (i == 0 || !tokens.get(i - 1).text().equals(":"))) {
                parameters.add(tokens.get(i + 1).text());
            }
        }
        return parameters;
    }

    /** CTE name to its output column names (empty when it selects *). */
    static Map<String, Set<String>> cteColumns(List<Token> tokens) {
        Map<String, Set<String>> ctes = new HashMap<>();
        int depth = 0;
        boolean inWith = false;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.text().equals("(")) {
                depth++;
            } else if (t.text().equals(")")) {
                depth--;
            }
            if (depth == 0 && t.text().equalsIgnoreCase("WITH")) {
                inWith = true;
            } else if (depth == 0 && t.text().equalsIgnoreCase("SELECT")) {
                inWith = false;
            }
            if (inWith && depth == 0 && t.kind() == Kind.WORD && i + 2 < tokens.size()
                    && tokens.get(i + 1).text().equalsIgnoreCase("AS") && tokens.get(i + 2).text().equals("(")) {
                List<String> columns = selectList(tokens, i + 3, new ArrayList<>());
                ctes.put(t.text(), new LinkedHashSet<>(columns));
            }
        }
        return ctes;
    }

    /** The output column names of the query's main SELECT. */
    static List<String> outputColumns(List<Token> tokens, List<String> problems) {
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            String text = tokens.get(i).text();
            if (text.equals("(")) {
                depth++;
            } else if (text.equals(")")) {
                depth--;
            } else if (depth == 0 && text.equalsIgnoreCase("SELECT")) {
                return selectList(tokens, i, problems);
            }
        }
        problems.add("no SELECT at the top level");
        return List.of();
    }

    /** Names of the select list that starts at (or after) {@code from}: alias, column name, or "*" entries skipped. */
    private static List<String> selectList(List<Token> tokens, int from, List<String> problems) {
        int i = from;
        while (i < tokens.size() && !tokens.get(i).text().equalsIgnoreCase("SELECT")) {
            i++;
        }
        i++;
        if (i < tokens.size() && tokens.get(i).text().equalsIgnoreCase("DISTINCT")) {
            i++;
        }
        List<String> names = new ArrayList<>();
        List<Token> item = new ArrayList<>();
        int depth = 0;
        for (; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.text().equals("(")) {
                depth++;
            } else if (t.text().equals(")")) {
                if (depth == 0) {
                    break;
                }
                depth--;
            }
            if (depth == 0 && (t.text().equalsIgnoreCase("FROM") || t.text().equals(","))) {
                addName(item, names, problems);
                item.clear();
                if (t.text().equalsIgnoreCase("FROM")) {
                    return names;
                }
                continue;
            }
            item.add(t);
        }
        addName(item, names, problems);
        return names;
    }

    private static void addName(List<Token> item, List<String> names, List<String> problems) {
        if (item.isEmpty()) {
            return;
        }
        int n = item.size();
        if (n >= 2 && item.get(n - 2).text().equalsIgnoreCase("AS")) {
            names.add(item.get(n - 1).text().toLowerCase(Locale.ROOT));
        } else if (item.get(n - 1).kind() == Kind.WORD && (n == 1 || item.get(n - 2).text().equals("."))) {
            names.add(item.get(n - 1).text().toLowerCase(Locale.ROOT));
        } else if (!item.get(n - 1).text().equals("*")) {
            StringBuilder text = new StringBuilder();
            item.forEach(t -> text.append(t.text()).append(' '));
            problems.add("line " + item.getFirst().line() + ": select item without a name: " + text.toString().strip());
        }
    }
}
