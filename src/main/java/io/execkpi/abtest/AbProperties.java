package io.execkpi.abtest;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** @param settings resource location of the experiment evaluation settings */
@ConfigurationProperties("execkpi.ab")
public record AbProperties(@DefaultValue("classpath:jobs/experiments.yml") String settings) {
}
