package io.execkpi.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/** The business dates a job run covers; the day counts are counted by hand on a calendar. */
class BusinessDateRangeTest {

    @Test
    void daysCountsBothEnds() {
        assertThat(new BusinessDateRange(LocalDate.of(2026, 11, 24), LocalDate.of(2026, 11, 24)).days()).isEqualTo(1);
        // November has 30 days
        assertThat(new BusinessDateRange(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30)).days()).isEqualTo(30);
        // 28 Feb, 29 Feb (2028 is a leap year), 1 Mar
        assertThat(new BusinessDateRange(LocalDate.of(2028, 2, 28), LocalDate.of(2028, 3, 1)).days()).isEqualTo(3);
    }

    @Test
    void fromAfterToIsRefused() {
        assertThatThrownBy(() -> new BusinessDateRange(LocalDate.of(2026, 11, 25), LocalDate.of(2026, 11, 24)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'from' (2026-11-25) is after 'to' (2026-11-24)");
    }

    @Test
    void rangeOfJobParametersDefaultsFromToTheLookback() {
        var dateOnly = new JobParametersBuilder().addLocalDate(JobRequest.DATE, LocalDate.of(2026, 11, 24))
                .toJobParameters();
        // 3 days of lookback before 24 Nov: 21 Nov
        assertThat(JobRequest.range(dateOnly, 3))
                .isEqualTo(new BusinessDateRange(LocalDate.of(2026, 11, 21), LocalDate.of(2026, 11, 24)));
        var backfill = new JobParametersBuilder().addLocalDate(JobRequest.DATE, LocalDate.of(2026, 11, 24))
                .addLocalDate(JobRequest.FROM, LocalDate.of(2026, 10, 1)).toJobParameters();
        assertThat(JobRequest.range(backfill, 3))
                .isEqualTo(new BusinessDateRange(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 11, 24)));
        assertThatThrownBy(() -> JobRequest.range(new JobParametersBuilder().toJobParameters(), 3))
                .isInstanceOf(InvalidJobRequestException.class).hasMessage("missing job parameter 'date'");
    }
}
