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
 */
final class CommandLine {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private CommandLine() {
    }

    static int run(String[] args, PrintStream err) {
        if (args.length < 2) {
            err.println("execkpi: usage: run <job> date=YYYY-MM-DD | from=YYYY-MM-DD to=YYYY-MM-DD [rerun=true]");
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
        springArgs.add("--execkpi.bootstrap.enabled=false");
        springArgs.add("--spring.main.log-startup-info=false");
        springArgs.add("--execkpi.schedule.nightly=-");
        springArgs.add("--logging.level.root=WARN");
        springArgs.add("--logging.level.io.execkpi=INFO");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE)
                .run(springArgs.toArray(String[]::new))) {
            JobRunner runner = context.getBean(JobRunner.class);
            if (!runner.knows(jobName)) {
                err.println("execkpi: unknown job '" + jobName + "'; known jobs: " + runner.jobNames());
                return USAGE;
            }
            try {
                context.getBean(JobLaunchBounds.class).check(request);
            } catch (InvalidJobRequestException e) {
                err.println("execkpi: " + e.getMessage());
                return USAGE;
            }
            context.getBean(JobLifecycle.class).recoverDeadExecutions();
            context.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(request.date());
            JobExecution execution = runner.run(jobName, request);
            if (execution.getStatus() == BatchStatus.COMPLETED) {
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

    private static String firstLine(String text) {
        if (text == null || text.isBlank()) {
            return "(no message)";
        }
        String line = text.strip().lines().findFirst().orElse(text);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
