package io.execkpi.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.execkpi.ExecKpiApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The application without a web server on a data directory and a generated warehouse, for job-level tests. */
public final class TestApps {

    private TestApps() {
    }

    /**
     * The same settings for a {@code @SpringBootTest}'s {@code @DynamicPropertySource}: databases and artifacts in
     * {@code dir}, a warehouse generated from {@code start} at {@code scale}, no start-up work, no schedule.
     */
    public static void register(DynamicPropertyRegistry registry, Path dir, Object start, String scale) {
        registry.add("execkpi.data-dir", dir::toString);
        registry.add("execkpi.artifacts.dir", () -> dir.resolve("artifacts").toString());
        registry.add("execkpi.thelook.start", start::toString);
        registry.add("execkpi.thelook.scale", () -> scale);
        registry.add("execkpi.bootstrap.enabled", () -> "false");
        registry.add("execkpi.schedule.nightly", () -> "-");
    }

    /**
     * Starts the application (no web server) with its databases and artifacts in {@code dir} and a warehouse
     * generated from {@code start} at {@code scale}; without start-up work or schedule unless {@code more} sets
     * {@code execkpi.bootstrap.enabled} or {@code execkpi.schedule.nightly}.
     */
    public static ConfigurableApplicationContext start(Path dir, Object start, String scale, String... more) {
        List<String> args = new ArrayList<>(List.of("--execkpi.data-dir=" + dir,
                "--execkpi.artifacts.dir=" + dir.resolve("artifacts"), "--execkpi.thelook.start=" + start,
                "--execkpi.thelook.scale=" + scale));
        for (String fallback : List.of("--execkpi.bootstrap.enabled=false", "--execkpi.schedule.nightly=-")) {
            String key = fallback.substring(0, fallback.indexOf('=') + 1);
            if (Arrays.stream(more).noneMatch(a -> a.startsWith(key))) {
                args.add(fallback);
            }
        }
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(ExecKpiApplication.class).web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new));
    }
}
