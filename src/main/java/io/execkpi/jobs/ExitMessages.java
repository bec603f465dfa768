package io.execkpi.jobs;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the exit description Spring Batch stores for an execution or step (for a failure: the exception's stack
 * trace) into what the public read API may show: one sentence for an operator, without exception class names, SQL,
 * constraint names or absolute server paths. The full description stays in the job repository and the log.
 */
public final class ExitMessages {

    private static final int MAX_LENGTH = 300;
    /** A stack trace's first line: a qualified class name, optionally followed by ": message". */
    private static final Pattern EXCEPTION = Pattern.compile(
            "^((?:[A-Za-z_$][\\w$]*\\.)+)([A-Z][\\w$]*)(?::\\s*(.*))?$");
    /** Absolute paths (POSIX or Windows), replaced by their last component. */
    private static final Pattern PATH = Pattern.compile(
            "(?<![\\w.:/])(?:[A-Za-z]:\\\\|/)(?:[^\\s'\"`;,:()\\[\\]]+[/\\\\])+([^\\s'\"`;,:()\\[\\]/\\\\]*)");

    private ExitMessages() {
    }

    /**
     * @param description an exit description (null allowed)
     * @return an operator sentence, or null when there is nothing to say
     */
    public static String forOperator(String description) {
        if (description == null || description.isBlank()) {
            return null;
        }
        String line = description.strip().lines().findFirst().orElse("").strip();
        Matcher exception = EXCEPTION.matcher(line);
        if (exception.matches() && looksLikeThrowable(exception.group(2))) {
            line = sentence(exception.group(1), exception.group(2), exception.group(3));
        }
        line = PATH.matcher(line).replaceAll(m -> Matcher.quoteReplacement("…/" + m.group(1)));
        return line.length() > MAX_LENGTH ? line.substring(0, MAX_LENGTH) + "…" : line;
    }

    private static boolean looksLikeThrowable(String simpleName) {
        return simpleName.endsWith("Exception") || simpleName.endsWith("Error") || simpleName.endsWith("Throwable");
    }

    private static String sentence(String pkg, String simpleName, String message) {
        String see = "; the application log has the details";
        if (pkg.startsWith("org.springframework.dao.") || pkg.startsWith("org.springframework.jdbc.")
                || pkg.startsWith("java.sql.") || pkg.startsWith("org.h2.") || pkg.startsWith("org.postgresql.")
                || pkg.startsWith("org.springframework.transaction.")) {
            return simpleName.contains("DuplicateKey") || simpleName.contains("DataIntegrity")
                    ? "Writing the results was refused by the results store (a conflicting or invalid row)" + see
                    : "A results-store operation failed" + see;
        }
        if (pkg.startsWith("io.execkpi.warehouse.") || pkg.startsWith("com.google.cloud.bigquery.")) {
            return "A warehouse query failed" + see;
        }
        if (pkg.startsWith("java.io.") || pkg.startsWith("java.nio.") || pkg.startsWith("software.amazon.")) {
            return "Reading or writing a file failed" + see;
        }
        if ((simpleName.equals("IllegalStateException") || simpleName.equals("InvalidJobParametersException")
                || simpleName.equals("InvalidJobRequestException")) && message != null && !message.isBlank()) {
            return message.strip(); // ExecKPI's own checks say what to do in a sentence
        }
        if (simpleName.equals("JobInterruptedException")) {
            return "The execution was stopped";
        }
        return "The step failed unexpectedly" + see;
    }
}
