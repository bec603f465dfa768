package io.execkpi.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;

/** Dashboard formats and the range picker's URL state. */
class FormatsTest {

    private final Formats fmt = new Formats();

    @Test
    void numbersHaveSeparatorsCurrencyAndSignedPercentages() {
        assertThat(fmt.money(1234567.891)).isEqualTo("$1,234,567.89");
        assertThat(fmt.integer(1234.5)).isEqualTo("1,235");
        assertThat(fmt.integer(12345)).isEqualTo("12,345");
        assertThat(fmt.percent(0.0812, 1)).isEqualTo("8.1 %");
        assertThat(fmt.signedPercent(0.0812, 1)).isEqualTo("+8.1 %");
        assertThat(fmt.signedPercent(-0.02, 1)).isEqualTo("−2.0 %");
        assertThat(fmt.points(0.0031, 2)).isEqualTo("+0.31 pp");
        assertThat(fmt.pValue(0.00001)).isEqualTo("< 0.0001");
        assertThat(fmt.pValue(0.04567)).isEqualTo("0.0457");
        assertThat(fmt.number(0.22571)).isEqualTo("0.2257");
        assertThat(fmt.number(60.6)).isEqualTo("60.60");
        assertThat(fmt.money(-2.805)).isEqualTo("−$2.81");
        assertThat(fmt.money(null)).isEqualTo(Formats.NONE);
        assertThat(fmt.percent(Double.NaN, 1)).isEqualTo(Formats.NONE);
    }

    @Test
    void timesAndDurationsNameTheirUnits() {
        assertThat(fmt.time(Instant.parse("2026-11-24T02:30:05.123Z"))).isEqualTo("2026-11-24 02:30:05 UTC");
        assertThat(fmt.time("2026-11-24T02:30:05.9Z")).isEqualTo("2026-11-24 02:30:05 UTC");
        assertThat(fmt.duration(4_200)).isEqualTo("4.2 s");
        // under a second: whole milliseconds, not "0.0 s"
        assertThat(fmt.duration(0)).isEqualTo("0 ms");
        assertThat(fmt.duration(42)).isEqualTo("42 ms");
        assertThat(fmt.duration(999)).isEqualTo("999 ms");
        assertThat(fmt.duration(1_000)).isEqualTo("1.0 s");
        assertThat(fmt.duration(185_000)).isEqualTo("3 min 05 s");
        assertThat(fmt.duration(3_720_000)).isEqualTo("1 h 02 min");
        assertThat(fmt.date(LocalDate.of(2026, 1, 2))).isEqualTo("2026-01-02");
    }

    @Test
    void aPresetEndsAtTheLatestDateAndACustomRangeIsKeptAsGiven() {
        LocalDate end = LocalDate.of(2026, 11, 29);
        PageRange preset = PageRange.resolve("7", null, null, end);
        assertThat(preset.from()).isEqualTo(LocalDate.of(2026, 11, 23));
        assertThat(preset.to()).isEqualTo(end);
        assertThat(preset.length()).isEqualTo(7);
        assertThat(preset.query()).isEqualTo("days=7");
        assertThat(PageRange.resolve(null, null, null, end).days()).isEqualTo(30);
        PageRange custom = PageRange.resolve("90", "2026-01-01", "2026-01-31", end);
        assertThat(custom.days()).isNull();
        assertThat(custom.query()).isEqualTo("from=2026-01-01&to=2026-01-31");
        assertThatThrownBy(() -> PageRange.resolve("12", null, null, end)).isInstanceOf(ApiException.class)
                .hasMessageContaining("days");
        assertThatThrownBy(() -> PageRange.resolve(null, "2026-13-01", null, end)).isInstanceOf(ApiException.class)
                .hasMessageContaining("from");
    }
}
