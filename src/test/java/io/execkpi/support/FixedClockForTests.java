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
 */
public class FixedClockForTests implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.addBeanFactoryPostProcessor(FixedClockForTests::replaceClock);
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
