package io.execkpi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.LocalDate;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Any application a test starts runs on {@link TestClock}, whatever its configuration declares as the clock. */
class FixedClockForTestsTest {

    @Configuration(proxyBeanMethods = false)
    static class SystemClock {
        @Bean
        Clock systemClock() {
            return Clock.systemUTC();
        }

        @Bean
        org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler scheduler() {
            return new org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler();
        }
    }

    @Test
    void theDeclaredSystemClockIsReplacedAndTicksFromTheFixedStart() throws Exception {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SystemClock.class)
                .web(WebApplicationType.NONE).run("--spring.main.banner-mode=off")) {
            Clock clock = app.getBean(Clock.class);
            assertThat(app.getBeanNamesForType(Clock.class)).containsExactly("systemClock");
            assertThat(LocalDate.now(clock)).isEqualTo(TestClock.TODAY).isEqualTo(LocalDate.of(2026, 11, 25));
            assertThat(clock.instant()).isAfterOrEqualTo(TestClock.START);
            assertThat(app.getBean(org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler.class).getClock())
                    .isSameAs(clock);
        }
    }

    @Test
    void theTestTreesOwnProgramsKeepTheSystemClock() {
        assertThat(FixedClockForTests.startedByOwnProgram("io.execkpi.bench.Benchmarks BENCHMARKS.md 3")).isTrue();
        assertThat(FixedClockForTests.startedByOwnProgram("org.apache.maven.surefire.booter.ForkedBooter /tmp/x"))
                .isFalse();
        assertThat(FixedClockForTests.startedByOwnProgram("io.execkpi.ml.MlJobChild /tmp/data")).isFalse();
        assertThat(FixedClockForTests.startedByOwnProgram("io.execkpi.thelook.TheLookBenchmark")).isTrue();
        assertThat(FixedClockForTests.startedByOwnProgram(System.getProperty("sun.java.command", ""))).isFalse();
    }
}
