package io.execkpi.warehouse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;

/**
 * Where the BigQuery warehouse's credentials come from, in this order:
 * <ol>
 *   <li>the environment variable {@value #ENV}: a service-account key JSON, base64-encoded (the original's
 *       convention; plain JSON is accepted too). It is decoded in memory only: never written to a file, never
 *       logged, and not part of any error message;</li>
 *   <li>over a plain-HTTP endpoint (an emulator or a test stub): no credentials;</li>
 *   <li>otherwise Google's application default credentials ({@code GOOGLE_APPLICATION_CREDENTIALS} key file,
 *       {@code gcloud auth application-default login}, or the metadata server of GKE / Cloud Run / GCE, e.g.
 *       through Workload Identity).</li>
 * </ol>
 */
public final class BigQueryCredentials {

    /** The environment variable holding the base64 service-account JSON. */
    public static final String ENV = "GOOGLE_APPLICATION_CREDENTIALS_JSON";

    private BigQueryCredentials() {
    }

    /**
     * @param credentialsJson the value of {@value #ENV} (null or blank when unset)
     * @param plainHttp       whether the endpoint is plain HTTP (no credentials are sent there)
     */
    static Credentials resolve(String credentialsJson, boolean plainHttp) {
        if (credentialsJson != null && !credentialsJson.isBlank()) {
            return fromServiceAccountJson(credentialsJson);
        }
        if (plainHttp) {
            return NoCredentials.getInstance();
        }
        try {
            return GoogleCredentials.getApplicationDefault();
        } catch (IOException e) {
            throw new IllegalStateException("No BigQuery credentials: set " + ENV
                    + " (base64 service-account JSON) or provide application default credentials ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Decodes a base64 (or plain) service-account key JSON in memory. */
    static ServiceAccountCredentials fromServiceAccountJson(String value) {
        byte[] json = decode(value.strip());
        try {
            return ServiceAccountCredentials.fromStream(new ByteArrayInputStream(json));
        } catch (IOException | RuntimeException e) {
            // the library's message may quote the content: keep only the exception type
            throw new IllegalStateException(ENV + " does not hold a valid service-account key JSON ("
                    + e.getClass().getSimpleName() + ")");
        } finally {
            Arrays.fill(json, (byte) 0);
        }
    }

    private static byte[] decode(String value) {
        if (value.startsWith("{")) {
            return value.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getMimeDecoder().decode(value.replace('-', '+').replace('_', '/'));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(ENV + " is neither base64 nor JSON");
        }
    }

    /** For messages: never the secret itself. */
    static String describe(Credentials credentials) {
        if (credentials instanceof ServiceAccountCredentials sa) {
            return "service account " + sa.getClientEmail();
        }
        if (credentials instanceof NoCredentials) {
            return "no credentials";
        }
        return credentials == null ? "none" : credentials.getClass().getSimpleName();
    }
}
