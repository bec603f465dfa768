package io.execkpi.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Base64;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.gson.JsonObject;

import org.junit.jupiter.api.Test;

class BigQueryCredentialsTest {

    /** A service-account key JSON like the one Google issues, with a fresh RSA key. */
    private static String serviceAccountJson() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        JsonObject json = new JsonObject();
        json.addProperty("type", "service_account");
        json.addProperty("project_id", "exec-kpi");
        json.addProperty("private_key_id", "0123456789abcdef");
        json.addProperty("private_key", pem);
        json.addProperty("client_email", "execkpi-reader@exec-kpi.iam.gserviceaccount.com");
        json.addProperty("client_id", "123456789");
        json.addProperty("token_uri", "https://oauth2.googleapis.com/token");
        return json.toString();
    }

    @Test
    void decodesBase64ServiceAccountJsonInMemory() throws Exception {
        String base64 = Base64.getEncoder().encodeToString(serviceAccountJson().getBytes(StandardCharsets.UTF_8));

        ServiceAccountCredentials credentials = BigQueryCredentials.fromServiceAccountJson(base64);

        assertThat(credentials.getClientEmail()).isEqualTo("execkpi-reader@exec-kpi.iam.gserviceaccount.com");
        assertThat(credentials.getProjectId()).isEqualTo("exec-kpi");
        assertThat(BigQueryCredentials.describe(credentials))
                .isEqualTo("service account execkpi-reader@exec-kpi.iam.gserviceaccount.com");
    }

    @Test
    void acceptsPlainJsonAndWrappedBase64() throws Exception {
        String json = serviceAccountJson();
        String wrapped = Base64.getMimeEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));

        assertThat(BigQueryCredentials.fromServiceAccountJson(json).getClientEmail()).startsWith("execkpi-reader@");
        assertThat(BigQueryCredentials.fromServiceAccountJson(wrapped + "\n").getClientEmail())
                .startsWith("execkpi-reader@");
        assertThat(BigQueryCredentials.resolve(json, true)).isInstanceOf(ServiceAccountCredentials.class);
    }

    @Test
    void errorsNeverQuoteTheSecret() {
        String notBase64 = "not*base64*secret-value";
        String notAKey = Base64.getEncoder().encodeToString("{\"type\":\"service_account\",\"private_key\":\"s3cr3t\"}"
                .getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> BigQueryCredentials.fromServiceAccountJson(notBase64))
                .hasMessageContaining("GOOGLE_APPLICATION_CREDENTIALS_JSON")
                .hasMessageNotContaining("secret-value");
        assertThatThrownBy(() -> BigQueryCredentials.fromServiceAccountJson(notAKey))
                .hasMessageContaining("does not hold a valid service-account key JSON")
                .hasMessageNotContaining("s3cr3t").hasNoCause();
    }

    @Test
    void plainHttpEndpointsGetNoCredentials() {
        assertThat(BigQueryCredentials.resolve(null, true)).isSameAs(NoCredentials.getInstance());
        assertThat(BigQueryCredentials.resolve("  ", true)).isSameAs(NoCredentials.getInstance());
    }
}
