package io.execkpi.ml;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Copies artifact files to and from {@code s3://<bucket>/<prefix>…} with the AWS SDK v2. Each call is tried
 * {@code attempts} times with exponential backoff (0.5 s, 1 s, 2 s…); the SDK's own retries are off so that the
 * attempts are counted in one place. The client is created on first use.
 */
public class S3Mirror implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3Mirror.class);

    private final ArtifactsProperties.S3 settings;
    private final Duration initialBackoff;
    private S3Client client;

    public S3Mirror(ArtifactsProperties.S3 settings) {
        this(settings, Duration.ofMillis(500));
    }

    S3Mirror(ArtifactsProperties.S3 settings, Duration initialBackoff) {
        this.settings = settings;
        this.initialBackoff = initialBackoff;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    public String bucket() {
        return settings.bucket();
    }

    /** The object key of a path below the prefix, e.g. {@code ml/latest.json} → {@code <prefix>/ml/latest.json}. */
    public String key(String relative) {
        return settings.keyPrefix() + relative;
    }

    public void upload(Path file, String relativeKey, String contentType) throws MirrorException {
        String key = key(relativeKey);
        retry("upload " + key, () -> {
            client().putObject(b -> b.bucket(settings.bucket()).key(key).contentType(contentType),
                    RequestBody.fromFile(file));
            return null;
        });
    }

    /** The object's bytes, or empty when it does not exist. */
    public Optional<byte[]> download(String relativeKey) throws MirrorException {
        String key = key(relativeKey);
        return retry("download " + key, () -> {
            try {
                ResponseBytes<GetObjectResponse> bytes = client().getObjectAsBytes(
                        b -> b.bucket(settings.bucket()).key(key));
                return Optional.of(bytes.asByteArray());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    private <T> T retry(String what, Call<T> call) throws MirrorException {
        int attempts = Math.max(1, settings.attempts());
        Duration backoff = initialBackoff;
        RuntimeException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                return call.run();
            } catch (S3Exception e) {
                if (e.statusCode() == 403 || e.statusCode() == 404 && !"NoSuchKey".equals(code(e))) {
                    // access denied or no such bucket: retrying does not help
                    throw new MirrorException(what + " failed: " + describe(e), e);
                }
                last = e;
            } catch (RuntimeException e) {
                last = e;
            } catch (IOException e) {
                last = new RuntimeException(e);
            }
            if (attempt < attempts) {
                log.warn("S3 {} failed (attempt {}/{}): {}; retrying in {} ms", what, attempt, attempts,
                        describe(last), backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2);
            }
        }
        throw new MirrorException(what + " failed after " + attempts + " attempts: " + describe(last), last);
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
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

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized S3Client client() {
        if (client == null) {
            client = build(settings);
        }
        return client;
    }

    static S3Client build(ArtifactsProperties.S3 s) {
        S3ClientBuilder builder = S3Client.builder()
                .region(region(s))
                .credentialsProvider(credentials(s))
                .forcePathStyle(s.pathStyle())
                // S3-compatible servers do not all speak the SDK's default trailing CRC checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
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

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    /** An S3 transfer that failed after all attempts; its message is one line for the step's exit description. */
    public static class MirrorException extends Exception {
        public MirrorException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
