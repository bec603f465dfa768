package io.execkpi.abtest;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.execkpi.alerts.Alert;
import io.execkpi.alerts.AlertOutbox;
import io.execkpi.alerts.AlertProperties;
import io.execkpi.alerts.JobEndAlerts;
import io.execkpi.jobs.JobEndedEvent;
import io.execkpi.jobs.JobRequest;
import io.execkpi.kpi.KpiCatalog;
import io.execkpi.kpi.KpiDefinition;
import io.execkpi.kpi.KpiResultsRepository;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Experiment alerts, queued when an {@code abJob} execution of this process completes for business date D:
 * <ul>
 * <li>{@code srm} (error): the evaluation of D finds a sample-ratio mismatch. One alert per mismatch episode: the dedup
 * key names the first evaluation date of the unbroken run of mismatching evaluations that ends at D
 * ({@code srm/<experiment>/<first date>}), so the same mismatch seen on later nights is not alerted again, while a
 * mismatch that clears and comes back is.</li>
 * <li>{@code experiment-health} (warn), from the materialized {@code ab_metrics} (users assigned by the end of each
 * date): an arm with no assigned user while the other arms of its experiment have some
 * ({@code experiment-health/<experiment>/no-traffic/<arm>}), and an experiment whose assignments stopped: no new
 * assigned user over {@code execkpi.alerts.assignments-stalled-days} days up to D
 * ({@code experiment-health/<experiment>/assignments-stopped/<last date with a new user>}). An experiment ended on
 * purpose stops too: the alert says since when, for a person to judge.</li>
 * </ul>
 * They are queued after the evaluation committed (abJob's own transaction is not touched); all follow from the stored
 * evaluations ({@code ab_results}: SRM flags) and {@code ab_metrics}, so a crash between the two only delays them:
 * {@link io.execkpi.alerts.AlertReconciler} derives them again, with the same dedup keys. Never fails the job.
 */
@Component
public class ExperimentAlerts implements JobEndAlerts {

    private static final Logger log = LoggerFactory.getLogger(ExperimentAlerts.class);
    /** How far back the assignment history is read to find the last date with a new user. */
    static final int HISTORY_DAYS = 90;

    private final AlertOutbox outbox;
    private final AlertProperties properties;
    private final JobRepository jobRepository;
    private final AbResultsRepository abResults;
    private final KpiCatalog catalog;
    private final KpiResultsRepository kpiResults;

    public ExperimentAlerts(AlertOutbox outbox, AlertProperties properties, JobRepository jobRepository,
                            AbResultsRepository abResults, KpiCatalog catalog, KpiResultsRepository kpiResults) {
        this.outbox = outbox;
        this.properties = properties;
        this.jobRepository = jobRepository;
        this.abResults = abResults;
        this.catalog = catalog;
        this.kpiResults = kpiResults;
    }

    /** Checks the evaluated date of a completed abJob execution of this process (nothing without webhooks). */
    @EventListener
    public void jobEnded(JobEndedEvent event) {
        if (!event.jobName().equals(AbJobConfiguration.JOB_NAME) || properties.webhooks().isEmpty()) {
            return;
        }
        try {
            alertsFor(event, jobRepository.getJobExecution(event.executionId())).forEach(outbox::enqueue);
        } catch (RuntimeException e) {
            log.error("Could not check the experiments of abJob execution {} for alerts: {}", event.executionId(),
                    e.toString());
        }
    }

    /**
     * The alerts of a completed abJob execution: {@link #check} of its business date ({@code date} parameter);
     * nothing for another job, another status or an execution without that parameter.
     */
    @Override
    public List<Alert> alertsFor(JobEndedEvent ended, JobExecution execution) {
        if (!ended.jobName().equals(AbJobConfiguration.JOB_NAME) || !ended.status().equals("COMPLETED")
                || execution == null) {
            return List.of();
        }
        LocalDate date = execution.getJobParameters().getLocalDate(JobRequest.DATE);
        return date == null ? List.of() : check(date, ended.executionId());
    }

    /**
     * The experiment alerts for business date {@code date}.
     *
     * @param executionId the abJob execution that evaluated it (a detail of the alerts)
     */
    public List<Alert> check(LocalDate date, long executionId) {
        List<Alert> alerts = new ArrayList<>();
        Instant now = Instant.now();
        for (String experiment : abResults.experimentIds()) {
            srm(experiment, date, executionId, now).ifPresent(alerts::add);
        }
        KpiDefinition metrics = catalog.find(AbJobConfiguration.AB_METRICS).orElse(null);
        if (metrics != null) {
            alerts.addAll(health(metrics, date, executionId, now));
        }
        return alerts;
    }

    private java.util.Optional<Alert> srm(String experiment, LocalDate date, long executionId, Instant now) {
        List<AbResult> rows = abResults.find(experiment, date);
        AbResult mismatch = rows.stream().filter(r -> Boolean.TRUE.equals(r.srmMismatch())).findFirst().orElse(null);
        if (mismatch == null) {
            return java.util.Optional.empty();
        }
        LocalDate first = date;
        for (LocalDate earlier : abResults.evaluationDates(experiment)) { // newest first
            if (!earlier.isBefore(first)) {
                continue;
            }
            if (abResults.find(experiment, earlier).stream().noneMatch(r -> Boolean.TRUE.equals(r.srmMismatch()))) {
                break;
            }
            first = earlier;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("experiment", experiment);
        details.put("date", date.toString());
        details.put("since", first.toString());
        details.put("srmPValue", mismatch.srmPValue());
        details.put("srmChiSquare", mismatch.srmChiSquare());
        details.put("srmThreshold", mismatch.srmThreshold());
        Map<String, Long> users = new TreeMap<>();
        rows.stream().filter(r -> r.metric().equals(mismatch.metric())).forEach(r -> users.put(r.variant(), r.users()));
        details.put("users", users);
        details.put("executionId", executionId);
        return java.util.Optional.of(new Alert("srm", "error", "Experiment " + experiment
                + " has a sample-ratio mismatch as of " + date + " (p = " + String.format(java.util.Locale.ROOT, "%.2g",
                mismatch.srmPValue()) + " < " + mismatch.srmThreshold() + ", users per arm " + users
                + "): its results are not trustworthy until the assignment is fixed.",
                "srm/" + experiment + "/" + first, now, details));
    }

    private List<Alert> health(KpiDefinition metrics, LocalDate date, long executionId, Instant now) {
        // experiment → as-of date → arm → users assigned by the end of that date
        Map<String, TreeMap<LocalDate, Map<String, Long>>> assigned = new TreeMap<>();
        for (Map<String, Object> row : kpiResults.read(metrics, date.minusDays(HISTORY_DAYS), date)) {
            assigned.computeIfAbsent((String) row.get("experiment_id"), e -> new TreeMap<>())
                    .computeIfAbsent(LocalDate.parse(row.get("as_of_date").toString()), d -> new TreeMap<>())
                    .put((String) row.get("variant"), ((Number) row.get("users")).longValue());
        }
        List<Alert> alerts = new ArrayList<>();
        int stalledDays = properties.assignmentsStalledDays();
        assigned.forEach((experiment, byDate) -> {
            Map<String, Long> today = byDate.get(date);
            if (today == null) {
                return;
            }
            long total = today.values().stream().mapToLong(Long::longValue).sum();
            if (total > 0) {
                today.forEach((arm, users) -> {
                    if (users == 0) {
                        Map<String, Object> details = details(experiment, date, executionId);
                        details.put("check", "no-traffic");
                        details.put("arm", arm);
                        details.put("users", new TreeMap<>(today));
                        alerts.add(new Alert("experiment-health", "warn", "Experiment " + experiment + ": arm " + arm
                                + " has no assigned user as of " + date + " while the other arms have " + total
                                + ".", "experiment-health/" + experiment + "/no-traffic/" + arm, now, details));
                    }
                });
            }
            Map<String, Long> before = byDate.get(date.minusDays(stalledDays));
            if (before == null || total == 0 || before.values().stream().mapToLong(Long::longValue).sum() != total) {
                return;
            }
            LocalDate lastGrowth = null;
            for (Map.Entry<LocalDate, Map<String, Long>> day : byDate.headMap(date, true).descendingMap().entrySet()) {
                long dayTotal = day.getValue().values().stream().mapToLong(Long::longValue).sum();
                if (dayTotal != total) {
                    break;
                }
                lastGrowth = day.getKey();
            }
            Map<String, Object> details = details(experiment, date, executionId);
            details.put("check", "assignments-stopped");
            details.put("users", total);
            details.put("noNewUsersSince", Objects.requireNonNull(lastGrowth).toString());
            alerts.add(new Alert("experiment-health", "warn", "Experiment " + experiment
                    + " has assigned no new user since " + lastGrowth + " (" + total + " users as of " + date
                    + "): check that it is still running.",
                    "experiment-health/" + experiment + "/assignments-stopped/" + lastGrowth, now, details));
        });
        return alerts;
    }

    private static Map<String, Object> details(String experiment, LocalDate date, long executionId) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("experiment", experiment);
        details.put("date", date.toString());
        details.put("executionId", executionId);
        return details;
    }
}
