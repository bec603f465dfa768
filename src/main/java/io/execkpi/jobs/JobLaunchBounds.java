package io.execkpi.jobs;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;

import io.execkpi.config.ExecKpiProperties;
import io.execkpi.warehouse.TheLookProperties;
import io.execkpi.warehouse.WarehouseConfiguration;
import io.execkpi.warehouse.WarehouseProperties;
import io.execkpi.web.DateParams;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Refuses launches that cannot mean anything: a business date after today (in {@code execkpi.zone}, by the
 * application's clock), a date or backfill start before the warehouse's first day, or a range of more than
 * {@code execkpi.jobs.max-range-days} business dates. Checked at launch by the job API (400) and the command line
 * (exit code 2), before any work or warehouse generation starts.
 */
@Component
public class JobLaunchBounds {

    private final JobLaunchProperties properties;
    private final ExecKpiProperties app;
    private final Clock clock;
    private final WarehouseProperties warehouse;
    private final TheLookProperties thelook;
    private final WarehouseConfiguration.WarehouseConnection connection;
    private volatile LocalDate recordedFirstDay;

    public JobLaunchBounds(JobLaunchProperties properties, ExecKpiProperties app, Clock clock,
                           WarehouseProperties warehouse, TheLookProperties thelook,
                           WarehouseConfiguration.WarehouseConnection connection) {
        this.properties = properties;
        this.app = app;
        this.clock = clock;
        this.warehouse = warehouse;
        this.thelook = thelook;
        this.connection = connection;
    }

    /**
     * @throws InvalidJobRequestException with one line naming the parameter and the bound it breaks
     */
    public void check(JobRequest request) {
        LocalDate today = LocalDate.now(clock.withZone(app.zone()));
        String dateName = request.from() == null ? "'date'" : "'to'";
        if (request.date().isAfter(today)) {
            throw new InvalidJobRequestException(dateName + " (" + request.date() + ") is after today (" + today
                    + "): a business date must have begun");
        }
        LocalDate first = firstDay().orElse(DateParams.MIN);
        LocalDate start = request.from() != null ? request.from() : request.date();
        if (start.isBefore(first)) {
            throw new InvalidJobRequestException((request.from() != null ? "'from'" : dateName) + " (" + start
                    + ") is before the warehouse's first day (" + first + ")");
        }
        long days = new BusinessDateRange(start, request.date()).days();
        if (days > properties.maxRangeDays()) {
            throw new InvalidJobRequestException("'from'..'to' (" + start + ".." + request.date() + ") spans " + days
                    + " business dates; at most " + properties.maxRangeDays() + " can be launched at once "
                    + "(execkpi.jobs.max-range-days): split the backfill");
        }
    }

    /** The configured first day, else the embedded warehouse's first generated day once it exists. */
    public Optional<LocalDate> firstDay() {
        if (properties.firstDate() != null) {
            return Optional.of(properties.firstDate());
        }
        if (!WarehouseProperties.JDBC.equals(warehouse.type()) || !thelook.generate()) {
            return Optional.empty();
        }
        if (recordedFirstDay == null) {
            try {
                recordedFirstDay = new JdbcTemplate(connection.dataSource()).queryForObject(
                        "SELECT start_date FROM thelook_meta WHERE id = 1", LocalDate.class);
            } catch (RuntimeException e) {
                // not generated yet: the generator will start at execkpi.thelook.start when it is set
                return Optional.ofNullable(thelook.start());
            }
        }
        return Optional.ofNullable(recordedFirstDay);
    }
}
