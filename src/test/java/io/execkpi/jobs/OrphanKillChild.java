package io.execkpi.jobs;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.LocalDate;

import io.execkpi.ExecKpiApplication;
import io.execkpi.kpi.KpiJobConfiguration;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Child process of {@link OrphanKillTest}: runs kpiJob for the date of its first argument and, right after Spring
 * Batch's job repository has committed the new job instance (before the launcher creates its first execution), prints
 * "instance &lt;id&gt;" and blocks, so that the parent kills it exactly in that window. The job repository is Spring
 * Batch's own, wrapped only to pause there.
 */
public final class OrphanKillChild {

    private OrphanKillChild() {
    }

    public static void main(String[] args) throws Exception {
        LocalDate date = LocalDate.parse(args[0]);
        String[] appArgs = java.util.Arrays.copyOfRange(args, 1, args.length);
        var app = new SpringApplicationBuilder(ExecKpiApplication.class).web(WebApplicationType.NONE)
                .initializers(context -> context.getBeanFactory().addBeanPostProcessor(new PauseAfterInstance()))
                .run(appArgs);
        app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(date);
        System.out.println("launching");
        app.getBean(JobRunner.class).run(KpiJobConfiguration.JOB_NAME, new JobRequest(date, date, false));
        System.out.println("not killed");
        System.exit(3);
    }

    static final class PauseAfterInstance implements BeanPostProcessor {

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (!(bean instanceof JobRepository repository)) {
                return bean;
            }
            return Proxy.newProxyInstance(JobRepository.class.getClassLoader(), new Class<?>[] {JobRepository.class},
                    (proxy, method, arguments) -> {
                        Object result;
                        try {
                            result = method.invoke(repository, arguments);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("createJobInstance")) {
                            System.out.println("instance " + ((JobInstance) result).getInstanceId());
                            System.out.flush();
                            Thread.sleep(Long.MAX_VALUE);
                        }
                        return result;
                    });
        }
    }
}
