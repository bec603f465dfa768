package io.execkpi.support;

import java.time.Clock;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Every application a test starts (a {@code @SpringBootTest}, a {@code SpringApplicationBuilder}, the command line
 * run in-process) gets {@link TestClock#clock()} as its {@link Clock} bean instead of the system clock. Registered in
 * the test {@code META-INF/spring.factories}; after the configuration classes are read, each bean definition of type
 * {@code Clock} is replaced (whatever class or package declares the application's clock), or one is added.
 *
 * The application's task schedulers get the same clock.
 *
 * <p>Not in a JVM started by the test tree's benchmark and calibration programs ({@code io.execkpi.bench.Benchmarks},
 * {@code *Benchmark}, {@code *Calibration}, which run on the test class path): those measure today's calendar and
 * keep the system clock. Child JVMs that tests start ({@code *Child}) get the fixed clock like their parent.
 */
public class FixedClockForTests implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        if (!startedByOwnProgram(System.getProperty("sun.java.command", ""))) {
            context.addBeanFactoryPostProcessor(FixedClockForTests::replaceClock);
            // task schedulers time their triggers on the same clock, so that an instant the application computes
            // from its Clock (a retry "in 200 ms") is as far away for the scheduler
            context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
                @Override
                public Object postProcessBeforeInitialization(Object bean, String name) {
                    if (bean instanceof ThreadPoolTaskScheduler scheduler) {
                        scheduler.setClock(TestClock.clock());
                    } else if (bean instanceof SimpleAsyncTaskScheduler scheduler) {
                        scheduler.setClock(TestClock.clock());
                    }
                    return bean;
                }
            });
        }
    }

    /**
     * Whether the JVM runs a benchmark or calibration program of the test tree (its main class, the first word of
     * its command), rather than a test runner or a child JVM that a test starts.
     */
    static boolean startedByOwnProgram(String javaCommand) {
        String main = javaCommand.split(" ", 2)[0];
        return main.startsWith("io.execkpi.") && (main.startsWith("io.execkpi.bench.") || main.endsWith("Benchmark")
                || main.endsWith("Calibration"));
    }

    private static void replaceClock(ConfigurableListableBeanFactory beanFactory) {
        if (!(beanFactory instanceof BeanDefinitionRegistry registry)) {
            throw new IllegalStateException("cannot replace the Clock bean in " + beanFactory.getClass());
        }
        String[] clocks = beanFactory.getBeanNamesForType(Clock.class, true, false);
        for (String name : clocks) {
            registry.removeBeanDefinition(name);
        }
        String name = clocks.length > 0 ? clocks[0] : "clock";
        registry.registerBeanDefinition(name, new RootBeanDefinition(Clock.class, TestClock::clock));
    }
}
