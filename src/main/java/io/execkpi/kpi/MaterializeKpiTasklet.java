package io.execkpi.kpi;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.execkpi.jobs.BusinessDateRange;
import io.execkpi.jobs.JobExecutionView;
import io.execkpi.jobs.JobRequest;
import io.execkpi.warehouse.Warehouse;
import io.execkpi.warehouse.WarehouseTables;

import org.springframework.batch.core.ExitStatus;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Materializes one KPI over the run's business dates, one slice of {@code sliceDays} dates per call. Each call runs
 * in its own transaction together with the step's execution context, so the slice's rows, its ledger entries and
 * the "next date" bookmark commit atomically: a restart resumes at the first unfinished slice, never redoing a
 * committed one and never duplicating rows. Stateless: all state lives in the step execution.
 * The KPI's data-quality gates ({@link QualityGate}) run in that transaction: source freshness before the warehouse
 * query, the tests and the anomaly check on the rows before they are written; an error-level failure fails the step
 * with the slice's rows unwritten, so the previously committed results stay visible. When the warehouse lacks a
 * table the KPI requires (an import without it), nothing is written and the step's exit description says
 * {@code <kpi> unavailable: …}. A KPI's breakdown entry runs its composed GROUPING SETS query ({@link Breakdowns#query})
 * instead of a query file, and its rows are checked to add up ({@link Breakdowns#addsUp}) with the other gates.
 */
final class MaterializeKpiTasklet implements Tasklet {

    static final String NEXT_DATE = "kpi.next-date";

    /**
     * Query parameter {@code :capped_from}: the first as-of date for which a snapshot query computes its costly
     * per-date extras (ab_metrics' capped sums, one pass over the users per date). It depends on the clock alone,
     * never on the run's range, so any run, rerun or backfill writes the same rows for a date: the last
     * {@value #CAPPED_DAYS} business dates up to yesterday (in {@code execkpi.zone}) get them.
     */
    static final String CAPPED_FROM = "capped_from";
    static final int CAPPED_DAYS = 7;

    /** {@link #CAPPED_FROM} for a run on a day whose yesterday is {@code yesterday}. */
    static LocalDate cappedFrom(LocalDate yesterday) {
        return yesterday.minusDays(CAPPED_DAYS - 1L);
    }

    private final KpiDefinition kpi;
    private final Warehouse warehouse;
    private final KpiResultsRepository results;
    private final KpiProperties properties;
    private final QualityGate quality;
    private final WarehouseTables tables;
    private final Supplier<LocalDate> yesterday;
    private final List<Dimension> dimensions;

    /**
     * @param dimensions the dimensions of a breakdown entry ({@link KpiDefinition#isBreakdown}), resolved from the
     *                   catalog; empty for any other KPI
     */
    MaterializeKpiTasklet(KpiDefinition kpi, Warehouse warehouse, KpiResultsRepository results, KpiProperties properties,
                          QualityGate quality, WarehouseTables tables,
                          Supplier<LocalDate> yesterday, List<Dimension> dimensions) {
        this.dimensions = dimensions;
        this.yesterday = yesterday;
        this.quality = quality;
        this.kpi = kpi;
        this.tables = tables;
        this.warehouse = warehouse;
        this.results = results;
        this.properties = properties;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        StepExecution step = contribution.getStepExecution();
        java.util.Optional<String> missing = tables.missing(kpi.requiredTables());
        if (missing.isPresent()) {
            step.setExitStatus(ExitStatus.COMPLETED.addExitDescription(unavailable(kpi, missing.get())));
            return RepeatStatus.FINISHED;
        }
        BusinessDateRange range = JobRequest.range(step.getJobParameters(), properties.lookbackDays());
        ExecutionContext context = step.getExecutionContext();
        LocalDate from = context.containsKey(NEXT_DATE) ? LocalDate.parse(context.getString(NEXT_DATE)) : range.from();
        if (from.isAfter(range.to())) {
            return RepeatStatus.FINISHED;
        }
        LocalDate to = from.plusDays((kpi.sliceDays() != null ? kpi.sliceDays() : properties.sliceDays()) - 1L);
        if (to.isAfter(range.to())) {
            to = range.to();
        }
        LocalDate partitionFrom = kpi.grain().partitionFrom(from);
        LocalDate partitionTo = kpi.grain().partitionTo(to);
        long jobExecutionId = step.getJobExecutionId();
        quality.checkSources(kpi, to, jobExecutionId);
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Object> parameters = Map.of("from", from, "to", to, "partition_from", partitionFrom,
                "partition_to", partitionTo, CAPPED_FROM, cappedFrom(yesterday.get()));
        if (kpi.isBreakdown()) {
            warehouse.query(kpi.name(), files -> Breakdowns.query(kpi, dimensions, files), parameters,
                    row -> rows.add(Breakdowns.stored(kpi, dimensions, row)));
        } else {
            warehouse.query(kpi.sql(), parameters, rows::add);
        }
        quality.checkRows(kpi, rows, from, to, range.to(), jobExecutionId);
        results.replace(kpi, partitionFrom, partitionTo, rows, from, to, jobExecutionId);
        contribution.incrementReadCount();
        contribution.incrementWriteCount(rows.size());
        context.putString(NEXT_DATE, to.plusDays(1).toString());
        context.putDouble(JobExecutionView.PROGRESS, (double) (to.toEpochDay() - range.from().toEpochDay() + 1)
                / range.days());
        return to.isBefore(range.to()) ? RepeatStatus.CONTINUABLE : RepeatStatus.FINISHED;
    }

    /** The exit description of a KPI step that could not run: {@code <kpi> unavailable: <reason>}. */
    static String unavailable(KpiDefinition kpi, String reason) {
        return kpi.name() + " unavailable: " + reason;
    }
}
