package io.execkpi.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.execkpi.support.TestData;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3Mirror against s3proxy on loopback (the real AWS SDK, the real S3 protocol), its retries done by the SDK's
 * standard strategy: transient server errors are retried up to the configured attempts and then succeed or give up
 * with the attempt count; a 4xx is not retried; a missing key is "absent", not an error. Failures are injected by a
 * TCP front ({@link FaultyFront}) between the mirror and the server; the backoff base is 1 ms to keep this fast.
 */
class S3MirrorTest {

    static final String BUCKET = "mirror-test";
    static final Duration FAST = Duration.ofMillis(1);

    static LocalS3 s3;
    static Path file;

    @BeforeAll
    static void start() throws Exception {
        s3 = LocalS3.start();
        s3.createBucket(BUCKET);
        file = TestData.newDataDir("s3-mirror").resolve("metrics.json");
        Files.writeString(file, "{\"auc\":0.75}");
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    static ArtifactsProperties.S3 settings(String endpoint, String secretKey, String bucket, int attempts) {
        return new ArtifactsProperties.S3(bucket, "team", endpoint, "us-east-1", LocalS3.ACCESS_KEY, secretKey, true,
                attempts);
    }

    static int port(String endpoint) {
        return URI.create(endpoint).getPort();
    }

    @Test
    void transientServerErrorsAreRetriedUntilTheCallSucceeds() throws Exception {
        try (FaultyFront front = new FaultyFront(port(s3.endpoint()), 2, 503, "ServiceUnavailable");
             S3Mirror mirror = new S3Mirror(settings(front.endpoint(), LocalS3.SECRET_KEY, BUCKET, 3), FAST)) {
            mirror.upload(file, "ml/retried.json", "application/json");
            assertThat(front.failed()).isEqualTo(2);
            assertThat(s3.get(BUCKET, "team/ml/retried.json")).isEqualTo(Files.readAllBytes(file));
            assertThat(mirror.download("ml/retried.json")).hasValueSatisfying(
                    bytes -> assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("{\"auc\":0.75}"));
        }
        try (FaultyFront front = new FaultyFront(port(s3.endpoint()), 1, 500, "InternalError");
             S3Mirror mirror = new S3Mirror(settings(front.endpoint(), LocalS3.SECRET_KEY, BUCKET, 2), FAST)) {
            assertThat(mirror.download("ml/retried.json")).isPresent();
            assertThat(front.failed()).isEqualTo(1);
        }
    }

    @Test
    void transientErrorsBeyondTheConfiguredAttemptsFailWithTheCount() throws Exception {
        try (FaultyFront front = new FaultyFront(port(s3.endpoint()), Integer.MAX_VALUE, 503, "ServiceUnavailable");
             S3Mirror mirror = new S3Mirror(settings(front.endpoint(), LocalS3.SECRET_KEY, BUCKET, 3), FAST)) {
            assertThatThrownBy(() -> mirror.upload(file, "ml/never.json", "application/json"))
                    .isInstanceOf(S3Mirror.MirrorException.class)
                    .hasMessageStartingWith("upload team/ml/never.json failed after 3 attempts: ")
                    .hasMessageNotContaining("\n")
                    .cause().isInstanceOfSatisfying(S3Exception.class,
                            e -> assertThat(e.statusCode()).isEqualTo(503));
            assertThat(front.connections()).isEqualTo(3);
        }
        assertThat(s3.keys(BUCKET)).doesNotContain("team/ml/never.json");
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        try (FaultyFront front = new FaultyFront(port(s3.endpoint()), Integer.MAX_VALUE, 403, "AccessDenied");
             S3Mirror mirror = new S3Mirror(settings(front.endpoint(), LocalS3.SECRET_KEY, BUCKET, 3), FAST)) {
            assertThatThrownBy(() -> mirror.download("ml/latest.json"))
                    .isInstanceOf(S3Mirror.MirrorException.class)
                    .hasMessageStartingWith("download team/ml/latest.json failed after 1 attempt: ");
            assertThat(front.connections()).isEqualTo(1);
        }
        // from the real server: a wrong secret key (403) and a bucket that does not exist (404)
        try (S3Mirror mirror = new S3Mirror(settings(s3.endpoint(), "wrong-secret", BUCKET, 3), FAST)) {
            assertThatThrownBy(() -> mirror.upload(file, "ml/denied.json", "application/json"))
                    .isInstanceOf(S3Mirror.MirrorException.class)
                    .hasMessageContaining("failed after 1 attempt: ")
                    .cause().isInstanceOfSatisfying(S3Exception.class,
                            e -> assertThat(e.statusCode()).isEqualTo(403));
        }
        try (S3Mirror mirror = new S3Mirror(settings(s3.endpoint(), LocalS3.SECRET_KEY, "no-such-bucket", 3), FAST)) {
            assertThatThrownBy(() -> mirror.download("ml/latest.json"))
                    .isInstanceOf(S3Mirror.MirrorException.class)
                    .hasMessageContaining("failed after 1 attempt: ")
                    .cause().isInstanceOfSatisfying(S3Exception.class,
                            e -> assertThat(e.statusCode()).isEqualTo(404));
        }
    }

    @Test
    void aMissingKeyIsAbsentNotAnError() throws Exception {
        try (S3Mirror mirror = new S3Mirror(settings(s3.endpoint(), LocalS3.SECRET_KEY, BUCKET, 3), FAST)) {
            assertThat(mirror.download("ml/nothing-here.json")).isEmpty();
        }
    }

    @Test
    void theRetryStrategyIsTheSdksStandardOneWithTheConfiguredAttempts() {
        assertThat(S3Mirror.retryStrategy(4, FAST).maxAttempts()).isEqualTo(4);
        assertThat(S3Mirror.retryStrategy(0, FAST).maxAttempts()).isEqualTo(1);
        assertThat(S3Mirror.retryStrategy(3, FAST))
                .isInstanceOf(software.amazon.awssdk.retries.StandardRetryStrategy.class);
    }
}
