package io.execkpi;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.jobs.InvalidJobRequestException;
import io.execkpi.jobs.JobLaunchBounds;
import io.execkpi.jobs.JobLifecycle;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Command-line mode: {@code run <job> date=YYYY-MM-DD | from=… to=… [rerun=true] [--spring.property=value …]}
 * runs one job to its end without starting the web server. Exit code 0 when the job completed (or had already
 * completed), 1 when it failed, 2 for bad usage (including dates outside {@link JobLaunchBounds}); errors are one
 * line on standard error.
 *
 * <p>{@code import <dir> [--spring.property=value …]} loads a thelook export folder into the embedded DuckDB
 * warehouse, replacing its tables in one transaction (see {@link io.execkpi.warehouse.WarehouseImporter}); it prints
 * one line per table and warning on standard output. Exit code 0 when imported, 1 for a bad file (the line names
 * file, line and column; the warehouse is unchanged), 2 for bad usage.
 */
final class CommandLine {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private CommandLine() {
    }

    static int run(String[] args, PrintStream err) {
        return run(args, System.out, err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && "import".equals(args[0])) {
            return importFolder(args, out, err);
        }
        if (args.length < 2) {
            err.println("execkpi: usage: run <job> date=YYYY-MM-DD | from=YYYY-MM-DD to=YYYY-MM-DD [rerun=true] [retrain=true]");
            return USAGE;
        }
        String jobName = args[1];
        Map<String, String> parameters = new LinkedHashMap<>();
        List<String> springArgs = new java.util.ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--")) {
                springArgs.add(arg);
            } else if (arg.indexOf('=') > 0) {
                parameters.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                err.println("execkpi: bad argument '" + arg + "': expected key=value, e.g. date=2026-11-24");
                return USAGE;
            }
        }
        JobRequest request;
        try {
            request = JobRequest.parse(parameters);
        } catch (InvalidJobRequestException e) {
            err.println("execkpi: " + e.getMessage());
            return USAGE;
        }
        try (ConfigurableApplicationContext context = start(springArgs)) {
            JobRunner runner = context.getBean(JobRunner.class);
            if (!runner.knows(jobName)) {
                err.println("execkpi: unknown job '" + jobName + "'; known jobs: " + runner.jobNames());
                return USAGE;
            }
            try {
                context.getBean(JobLaunchBounds.class).check(request);
                runner.validate(jobName, request);
            } catch (InvalidJobRequestException e) {
                err.println("execkpi: " + e.getMessage());
                return USAGE;
            }
            context.getBean(JobLifecycle.class).recoverDeadExecutions();
            context.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(request.date());
            JobExecution execution = runner.run(jobName, request);
            if (execution.getStatus() == BatchStatus.COMPLETED) {
                String description = execution.getExitStatus().getExitDescription();
                if (description != null && !description.isBlank()) {
                    System.out.println("execkpi: job " + jobName + " execution " + execution.getId() + " completed: "
                            + firstLine(description));
                }
                return OK;
            }
            err.println("execkpi: job " + jobName + " execution " + execution.getId() + " ended " + execution.getStatus()
                    + ": " + firstLine(execution.getExitStatus().getExitDescription()));
            return FAILED;
        } catch (Exception e) {
            err.println("execkpi: " + firstLine(e.getMessage()));
            return FAILED;
        }
    }

    private static ConfigurableApplicationContext start(List<String> springArgs) {
        List<String> all = new java.util.ArrayList<>(springArgs);
        all.add("--execkpi.bootstrap.enabled=false");
        all.add("--spring.main.log-startup-info=false");
        all.add("--execkpi.schedule.nightly=-");
        all.add("--logging.level.root=WARN");
        all.add("--logging.level.io.execkpi=INFO");
        return new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE)
                .run(all.toArray(String[]::new));
    }

    private static int importFolder(String[] args, PrintStream out, PrintStream err) {
        List<String> springArgs = new java.util.ArrayList<>();
        List<String> folders = new java.util.ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            (args[i].startsWith("--") ? springArgs : folders).add(args[i]);
        }
        if (folders.size() != 1) {
            err.println("execkpi: usage: import <folder with users.csv, orders.csv, order_items.csv, products.csv, "
                    + "distribution_centers.csv [, events…]>");
            return USAGE;
        }
        java.nio.file.Path dir = java.nio.file.Path.of(folders.get(0));
        if (!java.nio.file.Files.isDirectory(dir)) {
            err.println("execkpi: import folder " + dir + " does not exist or is not a folder");
            return USAGE;
        }
        try (ConfigurableApplicationContext context = start(springArgs)) {
            io.execkpi.warehouse.WarehouseImporter.Summary summary =
                    context.getBean(EmbeddedWarehouse.class).importFrom(dir);
            summary.rows().forEach((table, rows) -> out.println("imported " + table + ": " + rows + " rows"));
            summary.missingOptional().forEach(table -> out.println("no file for optional table " + table
                    + ": KPIs that need it are unavailable"));
            summary.warnings().forEach(warning -> out.println("warning: " + warning));
            var coverage = context.getBean(EmbeddedWarehouse.class).coverage();
            if (coverage.isEmpty()) {
                out.println("the export holds no orders or events: there is nothing to materialize");
            } else if (coverage.get().lastComplete().isBefore(coverage.get().first())) {
                out.println("orders and events cover only " + coverage.get().first() + " (UTC), which is not complete"
                        + " yet: a KPI run for it fails its freshness gate");
            } else {
                out.println("orders and events cover " + coverage.get().first() + " .. " + coverage.get().last()
                        + " (UTC); the last complete day is " + coverage.get().lastComplete()
                        + " (a later date fails the freshness gate)");
                out.println("materialize the KPIs with: run kpiJob from=" + coverage.get().first() + " to="
                        + coverage.get().lastComplete());
            }
            return OK;
        } catch (Exception e) {
            err.println("execkpi: " + firstLine(e.getMessage()));
            return FAILED;
        }
    }

    private static String firstLine(String text) {
        if (text == null || text.isBlank()) {
            return "(no message)";
        }
        String line = text.strip().lines().findFirst().orElse(text);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
