package io.execkpi.ml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import io.execkpi.ExecKpiApplication;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;

/**
 * Measures mlJob end to end and per step on an existing warehouse (not a test; nothing asserts on time):
 * {@code java … io.execkpi.ml.MlBenchmark <DuckDB warehouse file> <business date> [runs [--spring.args…]]}.
 * Each run is a new job instance ({@code rerun=true}) on a fresh results store; prints one line per run and the
 * candidates' metrics.
 */
public final class MlBenchmark {

    private MlBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String warehouse = args[0];
        LocalDate date = LocalDate.parse(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory("ml-bench");
        List<String> springArgs = new ArrayList<>(List.of("--execkpi.data-dir=" + dir,
                "--execkpi.bootstrap.enabled=false", "--execkpi.thelook.generate=false", "--execkpi.schedule.nightly=-",
                "--execkpi.warehouse.jdbc-url=jdbc:duckdb:" + warehouse,
                "--execkpi.artifacts.dir=" + dir.resolve("artifacts"), "--logging.level.root=WARN",
                "--logging.level.io.execkpi.ml=INFO"));
        springArgs.addAll(List.of(args).subList(Math.min(3, args.length), args.length));
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE)
                .run(springArgs.toArray(String[]::new))) {
            JobRunner runner = context.getBean(JobRunner.class);
            MlArtifactStore store = context.getBean(MlArtifactStore.class);
            for (int i = 0; i < runs; i++) {
                JobExecution execution = runner.run(MlJobConfiguration.JOB_NAME, new JobRequest(date, null, true));
                List<String> parts = new ArrayList<>();
                execution.getStepExecutions().stream().sorted(Comparator.comparingLong(StepExecution::getId))
                        .forEach(s -> parts.add(s.getStepName() + " " + seconds(Duration.between(s.getStartTime(),
                                s.getEndTime()))));
                System.out.printf(Locale.ROOT, "run %d: %s total %s | %s%n", i + 1, execution.getStatus(),
                        seconds(Duration.between(execution.getStartTime(), execution.getEndTime())),
                        String.join(", ", parts));
            }
            String runId = store.latest().orElseThrow().runId();
            JsonNode metrics = MlJson.MAPPER.readTree(store.runDir(runId).resolve(MlArtifactStore.METRICS).toFile());
            System.out.printf(Locale.ROOT, "rows train %d test %d, base rate %.4f, chosen %s%n",
                    metrics.get("trainRows").asInt(), metrics.get("testRows").asInt(),
                    metrics.get("testBaseRate").asDouble(), metrics.get("model").asString());
            for (JsonNode c : metrics.get("candidates")) {
                System.out.printf(Locale.ROOT, "  %-20s AUC %.4f AP %.4f logloss %.4f brier %.4f ECE %.4f"
                                + " threshold %.4f P %s R %s train %.2f s%n", c.get("name").asString(),
                        c.get("auc").asDouble(), c.get("averagePrecision").asDouble(), c.get("logLoss").asDouble(),
                        c.get("brier").asDouble(), c.get("ece").asDouble(), c.get("threshold").asDouble(),
                        c.get("precision"), c.get("recall"), c.get("trainSeconds").asDouble());
            }
            JsonNode shap = MlJson.MAPPER.readTree(store.runDir(runId).resolve(MlArtifactStore.SHAP).toFile());
            List<String> top = new ArrayList<>();
            for (int i = 0; i < Math.min(8, shap.get("features").size()); i++) {
                JsonNode f = shap.get("features").get(i);
                top.add(String.format(Locale.ROOT, "%s %.3f", f.get("feature").asString(),
                        f.get("meanAbsShap").asDouble()));
            }
            System.out.println("  SHAP top: " + String.join(", ", top));
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }
}
