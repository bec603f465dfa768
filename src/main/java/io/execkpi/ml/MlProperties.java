package io.execkpi.ml;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param settings resource location of the model settings ({@code jobs/ml.yml})
 */
@ConfigurationProperties("execkpi.ml")
public record MlProperties(@DefaultValue("classpath:jobs/ml.yml") String settings) {
}
