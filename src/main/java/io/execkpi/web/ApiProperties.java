package io.execkpi.web;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * HTTP API security.
 *
 * @param token             bearer token required by mutating endpoints (set {@code EXECKPI_API_TOKEN}); when empty,
 *                          mutating endpoints answer 403 (secure by default)
 * @param readRequiresToken whether read endpoints need the token too
 * @param corsOrigins       origins allowed to call the API from a browser (none by default)
 */
@ConfigurationProperties("execkpi.api")
public record ApiProperties(String token, @DefaultValue("false") boolean readRequiresToken,
                            @DefaultValue List<String> corsOrigins) {

    public boolean tokenConfigured() {
        return token != null && !token.isBlank();
    }

    @Override
    public String toString() { // never log the token
        return "ApiProperties[token=" + (tokenConfigured() ? "***" : "<none>") + ", readRequiresToken="
                + readRequiresToken + ", corsOrigins=" + corsOrigins + "]";
    }
}
