package io.execkpi.support;

import java.time.Clock;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every application a test starts (a {@code @SpringBootTest}, a {@code SpringApplicationBuilder}, the command line
 * run in-process) gets {@link TestClock#clock()} as its {@link Clock} bean instead of the system clock. Registered in
 * the test {@code META-INF/spring.factories}; after the configuration classes are read, each bean definition of type
 * {@code Clock} is replaced (whatever class or package declares the application's clock), or one is added.
 *
 * <p>Not in a JVM started by one of the test tree's own programs ({@code io.execkpi.bench.Benchmarks} and the other
 * {@code main} classes under {@code src/test}, which run on the test class path): those measure today's calendar and
 * keep the system clock.
 */
public class FixedClockForTests implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        if (!startedByOwnProgram(System.getProperty("sun.java.command", ""))) {
            context.addBeanFactoryPostProcessor(FixedClockForTests::replaceClock);
        }
    }

    /** Whether the JVM's main class (first word of its command) is one of ours rather than a test runner's. */
    static boolean startedByOwnProgram(String javaCommand) {
        return javaCommand.startsWith("io.execkpi.");
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
