package io.execkpi.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * HTTP API security.
 *
 * @param token             bearer token required by mutating endpoints and per-user data (set
 *                          {@code EXECKPI_API_TOKEN}); when empty, those endpoints answer 403 (secure by default)
 * @param readToken         optional second bearer token that may only read, per-user data included (set
 *                          {@code EXECKPI_API_READ_TOKEN}), for consumers that must not launch jobs
 * @param readRequiresToken whether every read endpoint needs a token (either one)
 * @param corsOrigins       origins allowed to call the API from a browser (none by default)
 */
@ConfigurationProperties("execkpi.api")
public record ApiProperties(String token, String readToken, @DefaultValue("false") boolean readRequiresToken,
                            @DefaultValue List<String> corsOrigins) {

    /** Whether the operator token is set. */
    public boolean tokenConfigured() {
        return token != null && !token.isBlank();
    }

    /** Whether the read-only token is set. */
    public boolean readTokenConfigured() {
        return readToken != null && !readToken.isBlank();
    }

    /** Whether any token is set, i.e. whether a request can authenticate at all. */
    public boolean anyTokenConfigured() {
        return tokenConfigured() || readTokenConfigured();
    }

    /** Constant-time comparison of a presented token with the operator token. */
    public boolean isOperatorToken(byte[] given) {
        return tokenConfigured() && MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }

    /** Constant-time comparison of a presented token with the read-only token. */
    public boolean isReadToken(byte[] given) {
        return readTokenConfigured() && MessageDigest.isEqual(given, readToken.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() { // never log a token
        return "ApiProperties[token=" + (tokenConfigured() ? "***" : "<none>") + ", readToken="
                + (readTokenConfigured() ? "***" : "<none>") + ", readRequiresToken=" + readRequiresToken
                + ", corsOrigins=" + corsOrigins + "]";
    }
}
