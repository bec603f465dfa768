package io.execkpi.ml;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where model artifacts live: a local folder, optionally mirrored to S3.
 *
 * @param dir local artifact store; mlJob writes {@code <dir>/ml/runs/<run-id>/} and {@code <dir>/ml/latest.json}
 * @param s3  the S3 mirror (off while {@code bucket} is empty)
 */
@ConfigurationProperties("execkpi.artifacts")
public record ArtifactsProperties(@DefaultValue("./artifacts") Path dir, @DefaultValue S3 s3) {

    /**
     * @param bucket    bucket name; empty = no mirror
     * @param prefix    key prefix inside the bucket ({@code <prefix>/ml/runs/<run-id>/…}, {@code <prefix>/ml/latest.json})
     * @param endpoint  endpoint override, e.g. {@code http://127.0.0.1:9000} for an S3-compatible server; empty = AWS
     * @param region    region; empty = the SDK's default region chain (us-east-1 when it finds none)
     * @param accessKey static access key; empty = the SDK's default credentials chain (environment, profile, IRSA…)
     * @param secretKey static secret key (from the environment, never from a committed file)
     * @param pathStyle path-style addressing ({@code endpoint/bucket/key}), needed by most S3-compatible servers
     * @param attempts  attempts per upload/download before giving up, the first included (the AWS SDK's standard
     *                  retry strategy: jittered exponential backoff, transient errors only); below 1 counts as 1
     */
    public record S3(@DefaultValue("") String bucket, @DefaultValue("") String prefix, @DefaultValue("") String endpoint,
                     @DefaultValue("") String region, @DefaultValue("") String accessKey,
                     @DefaultValue("") String secretKey, @DefaultValue("false") boolean pathStyle,
                     @DefaultValue("3") int attempts) {

        public boolean enabled() {
            return bucket != null && !bucket.isBlank();
        }

        /** The prefix without leading or trailing slashes, followed by "/" unless empty. */
        public String keyPrefix() {
            String p = prefix == null ? "" : prefix.strip();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            return p.isEmpty() ? "" : p + "/";
        }

        @Override
        public String toString() {
            return "S3[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint + ", region=" + region
                    + ", pathStyle=" + pathStyle + ", attempts=" + attempts + ", accessKey="
                    + (accessKey == null || accessKey.isBlank() ? "(default chain)" : "(set)") + "]";
        }
    }
}
