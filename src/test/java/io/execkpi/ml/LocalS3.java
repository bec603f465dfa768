package io.execkpi.ml;

import java.net.URI;
import java.util.List;

import ch.qos.logback.classic.Level;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An in-process S3-compatible server (s3proxy, in-memory blob store) on 127.0.0.1 with AWS v4 authentication, and
 * an independent AWS SDK client to inspect it. Its logging is set to WARN (it logs at DEBUG otherwise), both
 * directly and as {@code logging.level.org.gaul} so that Spring Boot keeps it when it configures logging.
 */
final class LocalS3 implements AutoCloseable {

    static final String ACCESS_KEY = "local-access";
    static final String SECRET_KEY = "local-secret";

    private final S3Proxy proxy;
    private final int port;
    private final S3Client client;

    private LocalS3(S3Proxy proxy, int port) {
        this.proxy = proxy;
        this.port = port;
        this.client = S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .build();
    }

    static LocalS3 start() throws Exception {
        quiet();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new LocalS3(proxy, proxy.getPort());
    }

    static void quiet() {
        System.setProperty("logging.level.org.gaul", "WARN");
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.gaul")).setLevel(Level.WARN);
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    S3Client client() {
        return client;
    }

    void createBucket(String bucket) {
        client.createBucket(b -> b.bucket(bucket));
    }

    List<String> keys(String bucket) {
        return client.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).sorted().toList();
    }

    byte[] get(String bucket, String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    /** Stops the server; its port then refuses connections. */
    void stop() throws Exception {
        if (!"STOPPED".equals(proxy.getState())) {
            proxy.stop();
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        stop();
    }
}
