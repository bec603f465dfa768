package io.execkpi.jobs;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

/**
 * A job execution as the job control API shows it (the shape follows Spring Cloud Data Flow's). Exit messages are
 * operator sentences ({@link ExitMessages}): never a stack trace, exception class, SQL or server path.
 */
public record JobExecutionView(long id, String job, long instanceId, String status, String exitCode,
                               String exitMessage, Map<String, String> parameters, Instant createTime,
                               Instant startTime, Instant endTime, Long durationMs, List<StepView> steps) {

    /**
     * @param progress share of the step's work done, 0..1: 1 when completed; steps that work in slices (kpiJob)
     *                 report the share of business dates done; null when unknown
     */
    public record StepView(String name, String status, long readCount, long writeCount, long skipCount,
                           long commitCount, long rollbackCount, String exitCode, String exitMessage,
                           Instant startTime, Instant endTime, Double progress) {
    }

    /** Step execution context key under which a step may publish its progress (0..1). */
    public static final String PROGRESS = "execkpi.progress";

    public static JobExecutionView of(JobExecution e) {
        Map<String, String> parameters = new LinkedHashMap<>();
        e.getJobParameters().parameters().stream()
                .sorted(Comparator.comparing(p -> p.name()))
                .forEach(p -> parameters.put(p.name(), String.valueOf(p.value())));
        List<StepView> steps = e.getStepExecutions().stream()
                .sorted(Comparator.comparing(StepExecution::getId))
                .map(JobExecutionView::step).toList();
        Long duration = e.getStartTime() == null ? null
                : Duration.between(e.getStartTime(), e.getEndTime() != null ? e.getEndTime() : LocalDateTime.now())
                        .toMillis();
        return new JobExecutionView(e.getId(), e.getJobInstance().getJobName(), e.getJobInstanceId(),
                e.getStatus().name(), e.getExitStatus().getExitCode(), ExitMessages.forOperator(e.getExitStatus().getExitDescription()),
                parameters, instant(e.getCreateTime()), instant(e.getStartTime()), instant(e.getEndTime()), duration,
                steps);
    }

    private static StepView step(StepExecution s) {
        Double progress = s.getStatus() == BatchStatus.COMPLETED ? Double.valueOf(1.0)
                : s.getExecutionContext().containsKey(PROGRESS) ? s.getExecutionContext().getDouble(PROGRESS) : null;
        return new StepView(s.getStepName(), s.getStatus().name(), s.getReadCount(), s.getWriteCount(),
                s.getSkipCount(), s.getCommitCount(), s.getRollbackCount(), s.getExitStatus().getExitCode(),
                ExitMessages.forOperator(s.getExitStatus().getExitDescription()), instant(s.getStartTime()), instant(s.getEndTime()),
                progress);
    }

    private static Instant instant(LocalDateTime time) {
        // Spring Batch records local date-times of the JVM's zone; the service runs in UTC (see README)
        return time == null ? null : time.atZone(java.time.ZoneId.systemDefault()).toInstant();
    }
}
