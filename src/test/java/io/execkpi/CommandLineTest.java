package io.execkpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.execkpi.support.TestClock;
import io.execkpi.support.TestData;

import org.junit.jupiter.api.Test;

/** Command-line mode: exit codes and one readable line on errors. */
class CommandLineTest {

    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return CommandLine.run(args, new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String errorLines() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badDateIsOneLineAndExitCode2() {
        assertThat(run("run", "kpiJob", "date=2026-02-30")).isEqualTo(2);
        assertThat(errorLines()).isEqualTo("execkpi: 'date' must be a date like 2026-11-24, got '2026-02-30'\n");
    }

    @Test
    void unknownParameterIsOneLineAndExitCode2() {
        assertThat(run("run", "kpiJob", "date=2026-01-01", "colour=blue")).isEqualTo(2);
        assertThat(errorLines()).isEqualTo("execkpi: unknown parameter(s) [colour]; allowed: date, from, to, rerun, retrain\n");
    }

    @Test
    void missingDateAndMalformedArgumentsAreUsageErrors() {
        assertThat(run("run", "kpiJob")).isEqualTo(2);
        assertThat(run("run", "kpiJob", "2026-01-01")).isEqualTo(2);
        assertThat(run("run")).isEqualTo(2);
        assertThat(errorLines().lines()).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("execkpi: "));
    }

    @Test
    void datesOutsideTheLaunchBoundsAreOneLineAndExitCode2() {
        Path dir = TestData.newDataDir("cli-bounds");
        String[] common = {"--execkpi.data-dir=" + dir, "--execkpi.thelook.start=2025-01-01",
                "--execkpi.thelook.scale=0.02", "--execkpi.jobs.max-range-days=10"};
        String tomorrow = TestClock.TODAY.plusDays(1).toString();
        assertThat(run(concat(new String[] {"run", "kpiJob", "date=" + tomorrow}, common))).isEqualTo(2);
        assertThat(run(concat(new String[] {"run", "kpiJob", "date=1899-12-31", "from=1000-01-01"}, common)))
                .isEqualTo(2);
        assertThat(run(concat(new String[] {"run", "kpiJob", "from=2025-01-01", "to=2025-01-11"}, common)))
                .isEqualTo(2);
        assertThat(errorLines()).isEqualTo("execkpi: 'date' (" + tomorrow + ") is after today ("
                + TestClock.TODAY + "): a business date must have begun\n"
                + "execkpi: 'from' (1000-01-01) is before the warehouse's first day (2025-01-01)\n"
                + "execkpi: 'from'..'to' (2025-01-01..2025-01-11) spans 11 business dates; at most 10 can be launched"
                + " at once (execkpi.jobs.max-range-days): split the backfill\n");
    }

    @Test
    void runsAJobToCompletionAndRejectsAnUnknownJob() {
        Path dir = TestData.newDataDir("cli");
        String[] common = {"--execkpi.data-dir=" + dir, "--execkpi.thelook.start=2025-01-01",
                "--execkpi.thelook.scale=0.02"};
        assertThat(run(concat(new String[] {"run", "nosuchJob", "date=2025-02-01"}, common))).isEqualTo(2);
        assertThat(errorLines()).startsWith("execkpi: unknown job 'nosuchJob'; known jobs: [");
        err.reset();
        // retrain is nightlyJob's alone: another job refuses it before running, in one line
        assertThat(run(concat(new String[] {"run", "kpiJob", "date=2025-02-01", "retrain=true"}, common))).isEqualTo(2);
        assertThat(errorLines()).isEqualTo("execkpi: kpiJob does not take these parameters: unknown parameter(s)"
                + " [retrain]; this job takes date, from and rerun\n");
        err.reset();
        assertThat(run(concat(new String[] {"run", "kpiJob", "from=2025-01-20", "to=2025-02-01"}, common))).isZero();
        assertThat(errorLines()).isEmpty();
        // the same instance again is a harmless no-op
        assertThat(run(concat(new String[] {"run", "kpiJob", "from=2025-01-20", "to=2025-02-01"}, common))).isZero();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
