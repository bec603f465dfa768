package io.execkpi.warehouse;

import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.BaseServiceException;
import com.google.cloud.ExceptionHandler;
import com.google.cloud.ExceptionHandler.Interceptor.RetryResult;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.TableResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warehouse on Google BigQuery ({@code execkpi.warehouse.type=bigquery}, SQL in {@code sql/bigquery/}).
 * <ul>
 *   <li>SQL: the datasets are substituted into the file's {@code {{source}}} / {@code {{experiments}}}
 *       placeholders after a strict check ({@link BigQuerySql}); every value is a named query parameter
 *       ({@code @from}: a {@link LocalDate} binds as DATE, an {@link Instant} or {@link LocalDateTime} (UTC) as
 *       TIMESTAMP, integers as INT64, floating point as FLOAT64, {@link BigDecimal} as NUMERIC, strings, booleans).
 *       Only the parameters the query uses are sent; a used parameter that the caller did not give is an error.</li>
 *   <li>Runs through {@code jobs.query}; a job still running when that call returns is polled (with backoff)
 *       until it is done or {@code query-timeout} has passed, and then cancelled. The timeout is also sent as the
 *       job's server-side {@code jobTimeoutMs}.</li>
 *   <li>Results stream page by page ({@code TableResult} pages); the next page is fetched only when the rows of
 *       the current one were consumed, so memory holds one page.</li>
 *   <li>Transient errors (HTTP 429/500/502/503/504, {@code rateLimitExceeded}, connection failures and timeouts)
 *       are retried with exponential backoff, at most {@code max-attempts} times per API call and within
 *       {@code retry-timeout} ({@link #TRANSIENT_ERRORS}); anything else fails at once with BigQuery's own message
 *       in a {@link WarehouseQueryException}.</li>
 *   <li>Values: INT64 → {@link Long}, FLOAT64 → {@link Double}, NUMERIC/BIGNUMERIC → {@link BigDecimal}, BOOL →
 *       {@link Boolean}, STRING → {@link String}, DATE → {@link LocalDate}, TIMESTAMP → {@link Instant}, DATETIME →
 *       {@link Instant} (read as UTC), TIME → {@link LocalTime}; column names in lower case.</li>
 * </ul>
 */
public final class BigQueryWarehouse implements Warehouse, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BigQueryWarehouse.class);

    /** Longest a single jobs.query / jobs.get call waits on the server side before answering. */
    private static final long SERVER_WAIT_MS = 10_000;
    private static final Duration FIRST_POLL = Duration.ofMillis(200);
    private static final Duration MAX_POLL = Duration.ofSeconds(5);

    private final BigQuery bigquery;
    private final SqlFiles sqlFiles;
    private final BigQueryProperties properties;
    private final Map<String, String> datasets;
    private final Map<String, String> rendered = new ConcurrentHashMap<>();

    public BigQueryWarehouse(BigQuery bigquery, SqlFiles sqlFiles, BigQueryProperties properties) {
        this.bigquery = bigquery;
        this.sqlFiles = sqlFiles;
        this.properties = properties;
        Map<String, String> ds = new HashMap<>();
        ds.put("source", properties.sourceDataset());
        ds.put("experiments", properties.experimentsDataset());
        this.datasets = ds;
    }

    /**
     * The warehouse with a client built from the settings.
     *
     * @param credentialsJson the value of {@code GOOGLE_APPLICATION_CREDENTIALS_JSON} (null when unset)
     */
    public static BigQueryWarehouse create(BigQueryProperties properties, SqlFiles sqlFiles, String credentialsJson) {
        BigQueryOptions.Builder builder = BigQueryOptions.newBuilder()
                .setCredentials(BigQueryCredentials.resolve(credentialsJson, properties.plainHttp()))
                .setRetrySettings(retrySettings(properties))
                .setResultRetryAlgorithm(TRANSIENT_ERRORS);
        if (properties.project() != null) {
            builder.setProjectId(properties.project());
        }
        if (properties.location() != null) {
            builder.setLocation(properties.location());
        }
        if (properties.endpoint() != null) {
            builder.setHost(properties.endpoint());
        }
        BigQueryOptions options = builder.build();
        if (options.getProjectId() == null || options.getProjectId().isBlank()) {
            throw new IllegalStateException("No BigQuery billing project: set execkpi.warehouse.bigquery.project "
                    + "(EXECKPI_WAREHOUSE_BIGQUERY_PROJECT)");
        }
        log.info("BigQuery warehouse: billing project {}, source {}, experiments {}, location {}, {}",
                options.getProjectId(), properties.sourceDataset(),
                properties.experimentsDataset() == null ? "A/A hash split" : properties.experimentsDataset(),
                properties.location() == null ? "(from the datasets)" : properties.location(),
                BigQueryCredentials.describe(options.getCredentials()));
        return new BigQueryWarehouse(options.getService(), sqlFiles, properties);
    }

    /**
     * Which errors are retried. The client's default handler sees HTTP errors as raw {@link HttpResponseException}s
     * and retries none of them (only connection failures and "Exceeded rate limits" messages), so a 503 from
     * jobs.query would fail the query at once. This one retries HTTP 500, 502, 503, 504 and 429, BigQuery's
     * {@code rateLimitExceeded} / {@code jobRateLimitExceeded} (403 with those reasons), retryable
     * {@link BaseServiceException}s and connection failures and timeouts; everything else (400 invalidQuery, 403
     * accessDenied or quotaExceeded, 404 …) fails at once. A retried jobs.query keeps its requestId, so BigQuery
     * runs the query once.
     */
    static final ExceptionHandler TRANSIENT_ERRORS = ExceptionHandler.newBuilder()
            .abortOn(RuntimeException.class)
            .retryOn(ConnectException.class, UnknownHostException.class, SocketException.class,
                    SocketTimeoutException.class)
            .addInterceptors(new TransientHttpErrors())
            .build();

    static final class TransientHttpErrors implements ExceptionHandler.Interceptor {

        private static final long serialVersionUID = 1L;
        private static final Set<Integer> TRANSIENT_STATUS = Set.of(429, 500, 502, 503, 504);
        private static final Set<String> RATE_LIMIT_REASONS = Set.of("rateLimitExceeded", "jobRateLimitExceeded");

        @Override
        public RetryResult beforeEval(Exception exception) {
            if (exception instanceof BaseServiceException e) {
                return e.isRetryable() || TRANSIENT_STATUS.contains(e.getCode())
                        || rateLimit(e.getReason()) ? RetryResult.RETRY : RetryResult.CONTINUE_EVALUATION;
            }
            if (exception instanceof HttpResponseException e) {
                if (TRANSIENT_STATUS.contains(e.getStatusCode())) {
                    return RetryResult.RETRY;
                }
                if (e instanceof GoogleJsonResponseException json && json.getDetails() != null
                        && json.getDetails().getErrors() != null
                        && json.getDetails().getErrors().stream().anyMatch(d -> rateLimit(d.getReason()))) {
                    return RetryResult.RETRY;
                }
                return RetryResult.NO_RETRY;
            }
            return RetryResult.CONTINUE_EVALUATION;
        }

        private static boolean rateLimit(String reason) {
            return reason != null && RATE_LIMIT_REASONS.contains(reason);
        }

        @Override
        public RetryResult afterEval(Exception exception, RetryResult retryResult) {
            return RetryResult.CONTINUE_EVALUATION;
        }
    }

    /** Retries of transient errors: exponential backoff (×2, jittered), bounded in attempts and in time. */
    static RetrySettings retrySettings(BigQueryProperties properties) {
        return RetrySettings.newBuilder()
                .setMaxAttempts(properties.maxAttempts())
                .setInitialRetryDelayDuration(properties.initialRetryDelay())
                .setRetryDelayMultiplier(2.0)
                .setMaxRetryDelayDuration(properties.maxRetryDelay())
                .setTotalTimeoutDuration(properties.retryTimeout())
                .setInitialRpcTimeoutDuration(properties.retryTimeout())
                .setRpcTimeoutMultiplier(1.0)
                .setMaxRpcTimeoutDuration(properties.retryTimeout())
                .setJittered(true)
                .build();
    }

    @Override
    public String dialect() {
        return sqlFiles.dialect();
    }

    /** The SQL that is sent for a query name: the file with datasets substituted and optional blocks resolved. */
    String sql(String queryName) {
        return rendered.computeIfAbsent(queryName,
                name -> BigQuerySql.render(name + ".sql", sqlFiles.sql(name), datasets));
    }

    @Override
    public long query(String queryName, Map<String, ?> parameters, Consumer<Map<String, Object>> rows) {
        return run(queryName, sql(queryName), parameters, rows);
    }

    /** {@inheritDoc} The composed text is rendered as a file is (datasets substituted, optional blocks resolved). */
    @Override
    public long query(String label, java.util.function.Function<java.util.function.Function<String, String>, String> compose,
                      Map<String, ?> parameters, Consumer<Map<String, Object>> rows) {
        return run(label, BigQuerySql.render(label, compose.apply(sqlFiles::sql), datasets), parameters, rows);
    }

    private long run(String queryName, String sql, Map<String, ?> parameters, Consumer<Map<String, Object>> rows) {
        QueryJobConfiguration config = configuration(queryName, sql, parameters);
        long started = System.nanoTime();
        long deadline = started + properties.queryTimeout().toNanos();
        try {
            TableResult result = run(queryName, config, deadline);
            long count = stream(result, rows);
            log.info("bigquery {}: {} rows in {} ms (job {}, {} bytes billed{})", queryName, count,
                    (System.nanoTime() - started) / 1_000_000, jobName(result.getJobId()),
                    result.getTotalBytesBilled() == null ? "?" : result.getTotalBytesBilled(),
                    Boolean.TRUE.equals(result.getCacheHit()) ? ", cached" : "");
            return count;
        } catch (BigQueryException e) {
            throw new WarehouseQueryException("BigQuery query " + queryName + " failed: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WarehouseQueryException("BigQuery query " + queryName + " was interrupted", e);
        }
    }

    QueryJobConfiguration configuration(String queryName, String sql, Map<String, ?> parameters) {
        Set<String> used = BigQuerySql.parameterNames(sql);
        List<String> missing = used.stream().filter(name -> !parameters.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("Query " + queryName + " needs parameters " + missing + " (given: "
                    + parameters.keySet() + ")");
        }
        Map<String, QueryParameterValue> named = new LinkedHashMap<>();
        for (String name : used) {
            named.put(name, parameter(name, parameters.get(name)));
        }
        Map<String, String> labels = new LinkedHashMap<>(properties.labels());
        labels.put("execkpi_query", queryName.length() > 63 ? queryName.substring(0, 63) : queryName);
        return QueryJobConfiguration.newBuilder(sql)
                .setUseLegacySql(false)
                .setNamedParameters(named)
                .setLabels(labels)
                .setMaximumBytesBilled(properties.maximumBytesBilled())
                .setJobTimeoutMs(properties.queryTimeout().toMillis())
                .setMaxResults(properties.pageSize())
                .build();
    }

    /** A caller's value as a typed BigQuery parameter. */
    static QueryParameterValue parameter(String name, Object value) {
        return switch (value) {
            case null -> throw new IllegalArgumentException("Parameter @" + name
                    + " is null: BigQuery needs a typed value");
            case LocalDate date -> QueryParameterValue.date(date.toString());
            case Instant instant -> QueryParameterValue.timestamp(micros(instant));
            case LocalDateTime dateTime -> QueryParameterValue.timestamp(micros(dateTime.toInstant(ZoneOffset.UTC)));
            case Long l -> QueryParameterValue.int64(l);
            case Integer i -> QueryParameterValue.int64(i);
            case Short s -> QueryParameterValue.int64(s.longValue());
            case Byte b -> QueryParameterValue.int64(b.longValue());
            case Double d -> QueryParameterValue.float64(d);
            case Float f -> QueryParameterValue.float64(f);
            case BigDecimal decimal -> QueryParameterValue.numeric(decimal);
            case String s -> QueryParameterValue.string(s);
            case Boolean b -> QueryParameterValue.bool(b);
            default -> throw new IllegalArgumentException("Parameter @" + name + ": unsupported type "
                    + value.getClass().getName());
        };
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    /** jobs.query; then, for a job still running, polling until done or the deadline (then it is cancelled). */
    private TableResult run(String queryName, QueryJobConfiguration config, long deadline)
            throws InterruptedException {
        long waitMs = Math.max(1, Math.min(SERVER_WAIT_MS, (deadline - System.nanoTime()) / 1_000_000));
        Object first = bigquery.queryWithTimeout(config, null, waitMs);
        if (first instanceof TableResult result) {
            return result;
        }
        Job job = (Job) first;
        JobId jobId = job.getJobId();
        Duration delay = FIRST_POLL;
        while (job != null && !isDone(job)) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                cancel(jobId);
                throw new WarehouseQueryException("BigQuery query " + queryName + " timed out after "
                        + properties.queryTimeout() + " (execkpi.warehouse.bigquery.query-timeout); job "
                        + jobName(jobId) + " was cancelled", null);
            }
            try {
                Thread.sleep(Math.min(delay.toMillis(), remaining / 1_000_000 + 1));
            } catch (InterruptedException e) {
                cancel(jobId);
                throw e;
            }
            delay = delay.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : delay.multipliedBy(2);
            job = bigquery.getJob(jobId);
        }
        if (job == null) {
            throw new WarehouseQueryException("BigQuery job " + jobName(jobId) + " of query " + queryName
                    + " no longer exists", null);
        }
        JobStatus status = job.getStatus();
        if (status.getError() != null) {
            throw new BigQueryException(status.getExecutionErrors() == null || status.getExecutionErrors().isEmpty()
                    ? List.of(status.getError()) : status.getExecutionErrors());
        }
        return job.getQueryResults(BigQuery.QueryResultsOption.pageSize(properties.pageSize()));
    }

    private static boolean isDone(Job job) {
        return job.getStatus() != null && job.getStatus().getState() == JobStatus.State.DONE;
    }

    private void cancel(JobId jobId) {
        try {
            bigquery.cancel(jobId);
        } catch (RuntimeException e) {
            log.warn("could not cancel BigQuery job {}: {}", jobName(jobId), e.getMessage());
        }
    }

    /** Streams every page: the next page is fetched only after the rows of the current one were consumed. */
    private static long stream(TableResult first, Consumer<Map<String, Object>> rows) {
        FieldList fields = first.getSchema() == null ? FieldList.of() : first.getSchema().getFields();
        String[] names = new String[fields.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = fields.get(i).getName().toLowerCase(Locale.ROOT);
        }
        long count = 0;
        for (TableResult page = first; page != null; page = page.hasNextPage() ? page.getNextPage() : null) {
            for (FieldValueList values : page.getValues()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < names.length; i++) {
                    row.put(names[i], toJava(fields.get(i), values.get(i)));
                }
                rows.accept(row);
                count++;
            }
        }
        return count;
    }

    static Object toJava(Field field, FieldValue value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (field.getMode() == Field.Mode.REPEATED || value.getAttribute() != FieldValue.Attribute.PRIMITIVE) {
            throw new IllegalStateException("Column " + field.getName() + ": ARRAY and STRUCT columns are not supported");
        }
        StandardSQLTypeName type = field.getType().getStandardType();
        return switch (type) {
            case INT64 -> value.getLongValue();
            case FLOAT64 -> value.getDoubleValue();
            case NUMERIC, BIGNUMERIC -> value.getNumericValue();
            case BOOL -> value.getBooleanValue();
            case STRING -> value.getStringValue();
            case DATE -> LocalDate.parse(value.getStringValue());
            case TIMESTAMP -> value.getTimestampInstant();
            case DATETIME -> LocalDateTime.parse(value.getStringValue()).toInstant(ZoneOffset.UTC);
            case TIME -> LocalTime.parse(value.getStringValue());
            case BYTES -> value.getBytesValue();
            default -> value.getStringValue();
        };
    }

    /** BigQuery's own error messages (and reason), without duplicates. */
    static String describe(BigQueryException e) {
        Set<String> messages = new LinkedHashSet<>();
        List<String> reasons = new ArrayList<>();
        if (e.getErrors() != null) {
            for (BigQueryError error : e.getErrors()) {
                add(messages, error.getMessage());
                if (error.getReason() != null) {
                    reasons.add(error.getReason());
                }
            }
        }
        if (e.getError() != null) {
            add(messages, e.getError().getMessage());
            if (e.getError().getReason() != null) {
                reasons.add(e.getError().getReason());
            }
        }
        add(messages, e.getMessage());
        if (messages.isEmpty() && e.getCause() != null) {
            add(messages, e.getCause().getMessage());
        }
        StringBuilder text = new StringBuilder(messages.isEmpty() ? "(no message)" : String.join("; ", messages));
        List<String> details = new ArrayList<>();
        if (e.getCode() > 0) {
            details.add("HTTP " + e.getCode());
        }
        details.addAll(new LinkedHashSet<>(reasons));
        if (!details.isEmpty()) {
            text.append(" (").append(String.join(", ", details)).append(')');
        }
        return text.toString();
    }

    private static void add(Set<String> messages, String message) {
        if (message != null && !message.isBlank()) {
            messages.add(message.strip());
        }
    }

    private static String jobName(JobId jobId) {
        if (jobId == null) {
            return "(none)";
        }
        return (jobId.getLocation() == null ? "" : jobId.getLocation() + ".") + jobId.getJob();
    }

    @Override
    public void close() throws Exception {
        bigquery.close();
    }
}
