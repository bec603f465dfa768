package io.execkpi.warehouse;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The BigQuery warehouse, used when {@code execkpi.warehouse.type=bigquery}. Credentials never come from here: they
 * are application default credentials, or the base64 service-account JSON in the environment variable
 * {@code GOOGLE_APPLICATION_CREDENTIALS_JSON} (see {@link BigQueryCredentials}).
 *
 * @param project            billing project: the project that runs (and pays for) the query jobs; default: the
 *                           credentials' or environment's default project ({@code GOOGLE_CLOUD_PROJECT})
 * @param sourceDataset      dataset holding the thelook tables, {@code project.dataset} or {@code dataset} (then in
 *                           the billing project)
 * @param experimentsDataset dataset holding {@code experiments}, {@code experiment_variants} and {@code assignments};
 *                           when unset, {@code ab_metrics} uses the documented A/A experiment {@code aa_hash_split}
 *                           (users split by a hash of their id, see {@code sql/bigquery/ab_metrics.sql})
 * @param location           location of the jobs (e.g. {@code US}, where the public thelook dataset lives); unset:
 *                           BigQuery derives it from the datasets
 * @param maximumBytesBilled a query that would bill more bytes fails instead of running (unset: no limit)
 * @param labels             job labels for cost attribution; {@code execkpi_query=<query name>} is always added
 * @param queryTimeout       how long a query job may run: after it, the job is cancelled and the query fails (also
 *                           sent as the job's server-side timeout)
 * @param pageSize           rows per result page requested (the first page of a query, and every page of a query
 *                           that outlived jobs.query; later pages of a quick query follow BigQuery's own page size,
 *                           at most 10 MB): results stream page by page, never all in memory
 * @param maxAttempts        attempts per BigQuery API call for transient errors (HTTP 5xx, rate limits, connection
 *                           failures), with exponential backoff
 * @param initialRetryDelay  delay before the first retry, doubled for each further retry
 * @param maxRetryDelay      upper bound of one delay between retries
 * @param retryTimeout       upper bound of the time spent on one API call including its retries
 * @param endpoint           root URL of the BigQuery REST API (default: Google's); over plain {@code http://}
 *                           (emulators, test stubs) no credentials are sent
 */
@ConfigurationProperties("execkpi.warehouse.bigquery")
public record BigQueryProperties(
        String project,
        @DefaultValue("bigquery-public-data.thelook_ecommerce") String sourceDataset,
        String experimentsDataset,
        String location,
        Long maximumBytesBilled,
        @DefaultValue Map<String, String> labels,
        @DefaultValue("10m") Duration queryTimeout,
        @DefaultValue("10000") long pageSize,
        @DefaultValue("6") int maxAttempts,
        @DefaultValue("1s") Duration initialRetryDelay,
        @DefaultValue("32s") Duration maxRetryDelay,
        @DefaultValue("2m") Duration retryTimeout,
        String endpoint) {

    /** BigQuery's rules for label keys and values (lower case letters, digits, '_' and '-'; keys start with a letter). */
    private static final Pattern LABEL_KEY = Pattern.compile("[\\p{Ll}\\p{Lo}][\\p{Ll}\\p{Lo}\\p{N}_-]{0,62}");
    private static final Pattern LABEL_VALUE = Pattern.compile("[\\p{Ll}\\p{Lo}\\p{N}_-]{0,63}");

    public BigQueryProperties {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        project = blankToNull(project);
        experimentsDataset = blankToNull(experimentsDataset);
        location = blankToNull(location);
        endpoint = blankToNull(endpoint);
        if (sourceDataset == null || sourceDataset.isBlank()) {
            sourceDataset = "bigquery-public-data.thelook_ecommerce";
        }
        BigQuerySql.requireDatasetId("execkpi.warehouse.bigquery.source-dataset", sourceDataset);
        if (experimentsDataset != null) {
            BigQuerySql.requireDatasetId("execkpi.warehouse.bigquery.experiments-dataset", experimentsDataset);
        }
        labels.forEach((key, value) -> {
            if (!LABEL_KEY.matcher(key).matches() || value == null || !LABEL_VALUE.matcher(value).matches()) {
                throw new IllegalArgumentException("execkpi.warehouse.bigquery.labels: '" + key + "=" + value
                        + "' is not a BigQuery label (lower-case letters, digits, '_' and '-', at most 63 characters;"
                        + " keys start with a letter)");
            }
        });
        if (maximumBytesBilled != null && maximumBytesBilled <= 0) {
            throw new IllegalArgumentException("execkpi.warehouse.bigquery.maximum-bytes-billed must be > 0");
        }
        if (queryTimeout == null || queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException("execkpi.warehouse.bigquery.query-timeout must be > 0");
        }
        if (pageSize < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("execkpi.warehouse.bigquery.page-size and max-attempts must be >= 1");
        }
        if (initialRetryDelay == null || maxRetryDelay == null || retryTimeout == null
                || initialRetryDelay.isNegative() || maxRetryDelay.compareTo(initialRetryDelay) < 0
                || retryTimeout.isNegative() || retryTimeout.isZero()) {
            throw new IllegalArgumentException("execkpi.warehouse.bigquery: initial-retry-delay must be >= 0, "
                    + "max-retry-delay >= initial-retry-delay and retry-timeout > 0");
        }
        if (endpoint != null && !endpoint.startsWith("https://") && !endpoint.startsWith("http://")) {
            throw new IllegalArgumentException("execkpi.warehouse.bigquery.endpoint must be an http(s) URL");
        }
    }

    /** The defaults: billing project from the environment, the public thelook dataset, the A/A experiment. */
    public static BigQueryProperties defaults() {
        return new BigQueryProperties(null, null, null, null, null, Map.of(), Duration.ofMinutes(10), 10_000, 6,
                Duration.ofSeconds(1), Duration.ofSeconds(32), Duration.ofMinutes(2), null);
    }

    /** Whether requests go over plain HTTP (an emulator or a test stub): then no credentials are sent. */
    boolean plainHttp() {
        return endpoint != null && endpoint.startsWith("http://");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
