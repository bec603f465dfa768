package io.execkpi.ml;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Copies artifact files to and from {@code s3://<bucket>/<prefix>…} with the AWS SDK v2. Retries are the SDK's own
 * standard retry strategy ({@link AwsRetryStrategy#standardRetryStrategy()}): {@code attempts} attempts per call in
 * all, exponential backoff with full jitter (a random delay up to 0.5 s, 1 s, 2 s… capped at 20 s; throttling backs
 * off from 1 s), retrying only what the SDK classes as transient: HTTP 500/502/503/504, throttling (429, SlowDown),
 * request time-outs, clock skew and I/O errors. Other 4xx answers (access denied, no such bucket…) fail at once.
 * The SDK's circuit breaker (a token bucket per client) stops retrying, not the first attempt, after a long run of
 * failures. The client is created on first use.
 */
public class S3Mirror implements AutoCloseable {

    /** Longest delay between two attempts. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

    private final ArtifactsProperties.S3 settings;
    private final Duration baseDelay;
    private S3Client client;

    /**
     * A mirror with the production backoff (0.5 s base delay).
     *
     * @param settings bucket, prefix, endpoint, credentials and {@code attempts} (values below 1 count as 1)
     */
    public S3Mirror(ArtifactsProperties.S3 settings) {
        this(settings, Duration.ofMillis(500));
    }

    /** For tests: a shorter base delay of the jittered exponential backoff. */
    S3Mirror(ArtifactsProperties.S3 settings, Duration baseDelay) {
        this.settings = settings;
        this.baseDelay = baseDelay;
    }

    /** Whether a bucket is configured. */
    public boolean enabled() {
        return settings.enabled();
    }

    /** The configured bucket name (empty when off). */
    public String bucket() {
        return settings.bucket();
    }

    /** The object key of a path below the prefix, e.g. {@code ml/latest.json} → {@code <prefix>/ml/latest.json}. */
    public String key(String relative) {
        return settings.keyPrefix() + relative;
    }

    /**
     * Uploads one file.
     *
     * @param file        the local file
     * @param relativeKey its key below the prefix
     * @param contentType the object's Content-Type
     * @throws MirrorException when the SDK gave up (a non-transient error, or every attempt failed)
     */
    public void upload(Path file, String relativeKey, String contentType) throws MirrorException {
        String key = key(relativeKey);
        call("upload " + key, () -> client().putObject(
                b -> b.bucket(settings.bucket()).key(key).contentType(contentType), RequestBody.fromFile(file)));
    }

    /**
     * Downloads one object into memory.
     *
     * @param relativeKey its key below the prefix
     * @return the object's bytes, or empty when the bucket has no such key (404 NoSuchKey, not retried)
     * @throws MirrorException when the SDK gave up (a non-transient error, or every attempt failed)
     */
    public Optional<byte[]> download(String relativeKey) throws MirrorException {
        String key = key(relativeKey);
        return call("download " + key, () -> {
            try {
                ResponseBytes<GetObjectResponse> bytes = client().getObjectAsBytes(
                        b -> b.bucket(settings.bucket()).key(key));
                return Optional.of(bytes.asByteArray());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    /** Runs one SDK call (which retries by itself) and turns its failure into a one-line MirrorException. */
    private static <T> T call(String what, Supplier<T> call) throws MirrorException {
        try {
            return call.get();
        } catch (SdkException e) {
            Integer attempts = e.numAttempts();
            String tries = attempts == null ? "" : " after " + attempts + (attempts == 1 ? " attempt" : " attempts");
            throw new MirrorException(what + " failed" + tries + ": " + describe(e), e);
        } catch (RuntimeException e) {
            throw new MirrorException(what + " failed: " + describe(e), e);
        }
    }

    /**
     * The SDK's standard retry strategy with AWS conditions, {@code attempts} attempts in all and full-jitter
     * exponential backoff from {@code baseDelay} up to {@link #MAX_BACKOFF}.
     */
    static RetryStrategy retryStrategy(int attempts, Duration baseDelay) {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(Math.max(1, attempts))
                .backoffStrategy(BackoffStrategy.exponentialDelay(baseDelay, MAX_BACKOFF))
                .build();
    }

    private static String describe(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return message.lines().findFirst().orElse(message);
    }

    private synchronized S3Client client() {
        if (client == null) {
            client = build(settings, baseDelay);
        }
        return client;
    }

    private static S3Client build(ArtifactsProperties.S3 s, Duration baseDelay) {
        S3ClientBuilder builder = S3Client.builder()
                .region(region(s))
                .credentialsProvider(credentials(s))
                .forcePathStyle(s.pathStyle())
                // S3-compatible servers do not all speak the SDK's default trailing CRC checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(retryStrategy(s.attempts(), baseDelay))
                        .apiCallAttemptTimeout(Duration.ofSeconds(60))
                        .apiCallTimeout(Duration.ofSeconds(120)));
        if (!s.endpoint().isBlank()) {
            builder.endpointOverride(URI.create(s.endpoint().strip()));
        }
        return builder.build();
    }

    private static Region region(ArtifactsProperties.S3 s) {
        if (!s.region().isBlank()) {
            return Region.of(s.region().strip());
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (RuntimeException e) {
            return Region.US_EAST_1;
        }
    }

    private static AwsCredentialsProvider credentials(ArtifactsProperties.S3 s) {
        if (!s.accessKey().isBlank() && !s.secretKey().isBlank()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(s.accessKey(), s.secretKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /**
     * An S3 transfer that failed for good (non-transient error, or after all attempts); its message is one line for
     * the step's exit description: what, the number of attempts when the SDK reports it, and the cause.
     */
    public static class MirrorException extends Exception {
        public MirrorException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
