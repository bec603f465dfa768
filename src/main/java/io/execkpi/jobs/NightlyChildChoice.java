package io.execkpi.jobs;

import java.time.LocalDate;

/**
 * Chooses which job one step of {@code nightlyJob} runs on a given night, in place of its default child (e.g. the ML
 * step runs {@code mlJob} when the model is due for retraining and {@code mlScoreJob} otherwise). A capability
 * provides it as a bean; without one the step runs its default child.
 */
public interface NightlyChildChoice {

    /** The default child job this choice stands in for, e.g. {@code "mlJob"}. */
    String child();

    /**
     * @param date             the night's business date
     * @param retrainRequested whether nightlyJob was launched with {@code retrain=true}
     * @return the job to run and a one-line reason an operator reads in the step's exit description
     */
    Choice choose(LocalDate date, boolean retrainRequested);

    /** @param job name of the job to run; @param reason why, in one line */
    record Choice(String job, String reason) {
    }
}
