package io.execkpi.jobs;

import org.springframework.batch.core.BatchStatus;

/**
 * How far a running execution is: the share of its steps done (0..1), counting the running step by the progress it
 * reports ({@link JobExecutionView#PROGRESS}, e.g. the share of business dates of a kpiJob step) and steps that
 * have not started yet when their number is known.
 *
 * @param execution the execution
 * @param step      the step it is in (null before the first step)
 * @param share     share done, 0..1
 */
public record JobProgress(JobExecutionView execution, String step, double share) {

    /**
     * @param expectedSteps number of steps the job will have (kpiJob: one per catalog KPI), or 0 when unknown; steps
     *                      not started yet count as 0 % done
     */
    public static JobProgress of(JobExecutionView view, int expectedSteps) {
        double done = 0;
        String current = null;
        for (JobExecutionView.StepView s : view.steps()) {
            if (s.status().equals(BatchStatus.COMPLETED.name())) {
                done += 1;
            } else {
                current = s.name();
                done += s.progress() == null ? 0 : s.progress();
            }
        }
        int steps = Math.max(expectedSteps, view.steps().size());
        return new JobProgress(view, current, steps == 0 ? 0 : done / steps);
    }

    /** One sentence, e.g. {@code kpiJob (execution 7) is running, step kpi_funnel_daily: 40 % done.} */
    public String sentence() {
        return execution.job() + " (execution " + execution.id() + ") is running"
                + (step == null ? "" : ", step " + step) + ": " + Math.round(share * 100) + " % done.";
    }
}
