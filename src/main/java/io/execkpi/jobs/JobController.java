package io.execkpi.jobs;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execkpi.web.ApiException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;

/** Job control API: see and launch jobs, restart, stop or abandon executions. Mutations need the API token. */
@RestController
@Tag(name = "Jobs", description = "Job control (mutations need Authorization: Bearer <EXECKPI_API_TOKEN>)")
@RequestMapping("/api/jobs")
public class JobController {

    private final JobControlService jobs;
    private final JobReads reads;
    private final JobLaunchBounds bounds;

    public JobController(JobControlService jobs, JobReads reads, JobLaunchBounds bounds) {
        this.reads = reads;
        this.jobs = jobs;
        this.bounds = bounds;
    }

    @Operation(summary = "Jobs", description = "Each job with its last execution.")
    @GetMapping
    public List<JobReads.JobSummary> list() {
        return reads.list();
    }

    @Operation(summary = "Job executions", description = "Executions newest first, filtered by job and status, paged (size at most 100).")
    @GetMapping("/executions")
    public JobReads.Page executions(@RequestParam(required = false) String job,
                                    @RequestParam(required = false) String status,
                                    @RequestParam(defaultValue = "0") String page,
                                    @RequestParam(defaultValue = "20") String size) {
        return reads.executions(job, status, page, size);
    }

    @Operation(summary = "One job execution", description = "Parameters, status, exit code and message, start/end, duration and each step with its counts and progress.")
    @GetMapping("/executions/{id}")
    public JobExecutionView execution(@PathVariable String id) {
        return reads.execution(id);
    }

    /**
     * Starts {@code job} for {@code {"date": "YYYY-MM-DD"}} or {@code {"from": …, "to": …}}, with optional
     * {@code "rerun": true} (and {@code "retrain": true}, nightlyJob only: other jobs answer 400); answers 202 with the execution and its {@code Location}.
     */
    @Operation(summary = "Launch a job", description = "Starts asynchronously: 202 with Location. Body {\"date\"} or {\"from\",\"to\"}, optional \"rerun\": true (and \"retrain\": true for nightlyJob). 409 when that instance is running or already complete without rerun; 404 unknown job; 400 bad parameters, a date after today or before the warehouse's first day, or a range over execkpi.jobs.max-range-days.")
    @SecurityRequirement(name = "bearer")
    @PostMapping(path = "/{job}/executions", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<JobExecutionView> launch(@PathVariable String job, @RequestBody JsonNode body) {
        if (!jobs.jobNames().contains(job)) {
            throw ApiException.notFound("Unknown job '" + job + "'; known jobs: " + jobs.jobNames());
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("The body must be a JSON object such as {\"date\": \"2026-11-24\"}");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            JsonNode value = field.getValue();
            if (!value.isString() && !value.isBoolean()) {
                throw ApiException.badRequest(field.getKey() + ": must be a string (or a boolean for rerun and retrain)");
            }
            parameters.put(field.getKey(), value.asString());
        }
        JobRequest request;
        try {
            request = JobRequest.parse(parameters);
            bounds.check(request);
        } catch (InvalidJobRequestException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return accepted(jobs.launch(job, request));
    }

    @Operation(summary = "Restart an execution", description = "FAILED or STOPPED executions only (else 409); resumes where it stopped.")
    @SecurityRequirement(name = "bearer")
    @PostMapping("/executions/{id}/restart")
    public ResponseEntity<JobExecutionView> restart(@PathVariable String id) {
        return accepted(jobs.restart(JobReads.id(id)));
    }

    @Operation(summary = "Stop an execution", description = "Running executions only (else 409); it ends STOPPED at its next safe point.")
    @SecurityRequirement(name = "bearer")
    @PostMapping("/executions/{id}/stop")
    public ResponseEntity<JobExecutionView> stop(@PathVariable String id) {
        return ResponseEntity.accepted().body(JobExecutionView.of(jobs.stop(JobReads.id(id))));
    }

    @Operation(summary = "Abandon an execution", description = "Marks a stopped or failed execution ABANDONED so that it is never restarted.")
    @SecurityRequirement(name = "bearer")
    @PostMapping("/executions/{id}/abandon")
    public JobExecutionView abandon(@PathVariable String id) {
        return JobExecutionView.of(jobs.abandon(JobReads.id(id)));
    }

    private static ResponseEntity<JobExecutionView> accepted(JobExecution execution) {
        return ResponseEntity.accepted().location(URI.create("/api/jobs/executions/" + execution.getId()))
                .body(JobExecutionView.of(execution));
    }

}
