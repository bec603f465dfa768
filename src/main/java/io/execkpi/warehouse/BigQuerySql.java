package io.execkpi.warehouse;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the BigQuery SQL files of {@code sql/bigquery/}. BigQuery binds values as query parameters but cannot bind
 * table names, so datasets are the only text substituted into a query, and only after a strict check:
 * <ul>
 *   <li>{@code {{source}}} becomes the source dataset and {@code {{experiments}}} the experiments dataset, each
 *       {@code project.dataset} or {@code dataset} matching {@code [A-Za-z0-9_-]+(\.[A-Za-z0-9_]+)?} (so no quote,
 *       backtick, space or comment can reach the SQL); a file writes them inside backticks:
 *       {@code `{{source}}.orders`};</li>
 *   <li>a line {@code -- {{#experiments}}} starts a block kept only when the experiments dataset is set, a line
 *       {@code -- {{^experiments}}} one kept only when it is not; a line {@code -- {{/experiments}}} ends either;</li>
 *   <li>every value (dates, numbers, strings) is a named query parameter {@code @name}, bound by the client.</li>
 * </ul>
 * A placeholder left over after rendering is an error, as is an unset dataset used outside its block.
 */
final class BigQuerySql {

    /** A dataset: {@code project.dataset} or {@code dataset}; project ids may contain '-', dataset names may not. */
    static final Pattern DATASET_ID = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_]+)?");

    /** The placeholders a file may use. */
    static final Set<String> PLACEHOLDERS = Set.of("source", "experiments");

    private static final Pattern SECTION = Pattern.compile("\\s*--\\s*\\{\\{([#^/])([a-z_]+)}}\\s*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");

    private BigQuerySql() {
    }

    static void requireDatasetId(String what, String value) {
        if (value == null || !DATASET_ID.matcher(value).matches()) {
            throw new IllegalArgumentException(what + ": '" + value
                    + "' is not a dataset id: expected project.dataset or dataset ([A-Za-z0-9_-]+(.[A-Za-z0-9_]+)?)");
        }
    }

    /**
     * Renders a SQL file: keeps or drops the optional blocks, substitutes the validated datasets.
     *
     * @param datasets placeholder name to dataset id; a missing or null value means "not configured"
     */
    static String render(String name, String template, Map<String, String> datasets) {
        datasets.forEach((key, value) -> {
            if (!PLACEHOLDERS.contains(key)) {
                throw new IllegalArgumentException("Unknown placeholder {{" + key + "}}");
            }
            if (value != null) {
                requireDatasetId("{{" + key + "}}", value);
            }
        });
        StringBuilder out = new StringBuilder(template.length());
        String open = null;
        boolean keep = true;
        int lineNo = 0;
        for (String line : template.split("\n", -1)) {
            lineNo++;
            Matcher section = SECTION.matcher(line);
            if (section.matches()) {
                String kind = section.group(1);
                String key = section.group(2);
                if (!PLACEHOLDERS.contains(key)) {
                    throw new IllegalStateException(name + ":" + lineNo + ": unknown block {{" + kind + key + "}}");
                }
                if (kind.equals("/")) {
                    if (!key.equals(open)) {
                        throw new IllegalStateException(name + ":" + lineNo + ": {{/" + key + "}} closes no block");
                    }
                    open = null;
                    keep = true;
                } else {
                    if (open != null) {
                        throw new IllegalStateException(name + ":" + lineNo + ": blocks cannot nest");
                    }
                    open = key;
                    boolean set = datasets.get(key) != null;
                    keep = kind.equals("#") == set;
                }
                continue;
            }
            if (keep) {
                out.append(line).append('\n');
            }
        }
        if (open != null) {
            throw new IllegalStateException(name + ": block {{" + open + "}} is not closed");
        }
        String text = out.toString();
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder rendered = new StringBuilder(text.length());
        while (m.find()) {
            String key = m.group(1);
            if (!PLACEHOLDERS.contains(key)) {
                throw new IllegalStateException(name + ": unknown placeholder {{" + key + "}}");
            }
            String value = datasets.get(key);
            if (value == null) {
                throw new IllegalStateException(name + ": {{" + key + "}} is used but no dataset is configured for it");
            }
            m.appendReplacement(rendered, Matcher.quoteReplacement(value));
        }
        m.appendTail(rendered);
        return rendered.toString();
    }

    /** The named parameters ({@code @name}) a query uses, outside string literals, quoted names and comments. */
    static Set<String> parameterNames(String sql) {
        Set<String> names = new LinkedHashSet<>();
        for (Token token : tokens(sql)) {
            if (token.kind() == Kind.PARAMETER) {
                names.add(token.text().substring(1));
            }
        }
        return names;
    }

    enum Kind { WORD, QUOTED_NAME, STRING, PARAMETER, NUMBER, SYMBOL }

    record Token(Kind kind, String text, int line) {
    }

    /**
     * A small GoogleSQL lexer: words, backtick-quoted names, string literals (single, double and triple quoted, raw
     * and bytes prefixes), named parameters, numbers and symbols; comments ({@code --}, {@code #}, block) are skipped.
     * Enough to find parameters and table references; it does not parse the grammar.
     */
    static List<Token> tokens(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int line = 1;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#' || (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-')) {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalStateException("line " + line + ": unterminated comment");
                }
                line += count(sql, i, end, '\n');
                i = end + 2;
            } else if (c == '`') {
                int end = sql.indexOf('`', i + 1);
                if (end < 0) {
                    throw new IllegalStateException("line " + line + ": unterminated quoted name");
                }
                tokens.add(new Token(Kind.QUOTED_NAME, sql.substring(i + 1, end), line));
                line += count(sql, i, end, '\n');
                i = end + 1;
            } else if (c == '\'' || c == '"' || ((c == 'r' || c == 'R' || c == 'b' || c == 'B') && i + 1 < n
                    && (sql.charAt(i + 1) == '\'' || sql.charAt(i + 1) == '"'))) {
                int start = i;
                boolean raw = c == 'r' || c == 'R';
                if (c != '\'' && c != '"') {
                    i++;
                }
                char q = sql.charAt(i);
                boolean triple = i + 2 < n && sql.charAt(i + 1) == q && sql.charAt(i + 2) == q;
                i += triple ? 3 : 1;
                boolean closed = false;
                while (i < n) {
                    char d = sql.charAt(i);
                    if (d == '\\' && !raw) {
                        i += 2;
                        continue;
                    }
                    if (d == '\n' && !triple) {
                        break;
                    }
                    if (d == q && (!triple || (i + 2 < n && sql.charAt(i + 1) == q && sql.charAt(i + 2) == q))) {
                        i += triple ? 3 : 1;
                        closed = true;
                        break;
                    }
                    i++;
                }
                if (!closed) {
                    throw new IllegalStateException("line " + line + ": unterminated string literal");
                }
                tokens.add(new Token(Kind.STRING, sql.substring(start, i), line));
                line += count(sql, start, i, '\n');
            } else if (c == '@' && i + 1 < n && sql.charAt(i + 1) == '@') {
                // a system variable (@@time_zone): not a parameter
                int start = i;
                i += 2;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
                        || sql.charAt(i) == '.')) {
                    i++;
                }
                tokens.add(new Token(Kind.SYMBOL, sql.substring(start, i), line));
            } else if (c == '@' && i + 1 < n && (Character.isLetter(sql.charAt(i + 1)) || sql.charAt(i + 1) == '_')) {
                int start = i++;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Kind.PARAMETER, sql.substring(start, i), line));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(start, i), line));
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.'
                        || ((sql.charAt(i) == '+' || sql.charAt(i) == '-')
                        && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E')))) {
                    i++;
                }
                tokens.add(new Token(Kind.NUMBER, sql.substring(start, i), line));
            } else {
                String two = i + 1 < n ? sql.substring(i, i + 2) : "";
                if (two.equals("<=") || two.equals(">=") || two.equals("<>") || two.equals("!=")
                        || two.equals("||") || two.equals("<<") || two.equals(">>")) {
                    tokens.add(new Token(Kind.SYMBOL, two, line));
                    i += 2;
                } else {
                    tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), line));
                    i++;
                }
            }
        }
        return tokens;
    }

    private static int count(String s, int from, int to, char c) {
        int k = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                k++;
            }
        }
        return k;
    }
}
