package io.execkpi.ml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import io.execkpi.ExecKpiApplication;
import io.execkpi.jobs.JobRequest;
import io.execkpi.jobs.JobRunner;
import io.execkpi.warehouse.EmbeddedWarehouse;

import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Child process of {@link MlPublishKillTest}: on the data directory of the first argument, generates the warehouse
 * through the business date of the second and runs mlJob for it. The job repository is wrapped so that once the
 * publish step's work is done (run folder moved into place, latest.json written, staging folder removed) but before
 * the repository records anything of that step's end, the process sends itself {@code kill -9}: the state the issue
 * found after a kill within a second of the publish (with H2's write delay, the step's recorded completion was lost
 * while the staging folder was gone). Prints "killing before the publish step is recorded" just before; "ended
 * &lt;status&gt;" would mean the kill never came.
 */
public final class MlJobChild {

    private MlJobChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        LocalDate date = LocalDate.parse(args[1]);
        ConfigurableApplicationContext app = new SpringApplicationBuilder(ExecKpiApplication.class)
                .web(WebApplicationType.NONE)
                .initializers(context -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
                    @Override
                    public Object postProcessAfterInitialization(Object bean, String name) {
                        return bean instanceof JobRepository ? killBeforePublishIsRecorded(bean, dir) : bean;
                    }
                }))
                .run("--execkpi.data-dir=" + dir, "--execkpi.artifacts.dir=" + dir.resolve("artifacts"),
                        "--execkpi.thelook.start=" + MlPublishKillTest.START,
                        "--execkpi.thelook.scale=" + MlPublishKillTest.SCALE, "--execkpi.bootstrap.enabled=false",
                        "--execkpi.schedule.nightly=-");
        app.getBean(EmbeddedWarehouse.class).ensureGeneratedThrough(date);
        var execution = app.getBean(JobRunner.class).run(MlJobConfiguration.JOB_NAME, new JobRequest(date, null, false));
        System.out.println("ended " + execution.getStatus());
        System.out.flush();
        app.close();
    }

    /**
     * The job repository, wrapped: the first time it is asked to record the publish step's execution after the step's
     * work is done (its staging folder removed), the process kills itself before the record is written.
     */
    private static Object killBeforePublishIsRecorded(Object repository, Path dir) {
        ProxyFactory proxy = new ProxyFactory(repository);
        proxy.addAdvice((MethodInterceptor) invocation -> {
            Object[] arguments = invocation.getArguments();
            if ((invocation.getMethod().getName().equals("update")
                    || invocation.getMethod().getName().equals("updateExecutionContext"))
                    && arguments.length == 1 && arguments[0] instanceof StepExecution step
                    && step.getStepName().equals("publish")
                    && !Files.exists(dir.resolve("artifacts/ml/staging").resolve(
                            Long.toString(step.getJobExecution().getJobInstanceId())))) {
                System.out.println("killing before the publish step is recorded");
                System.out.flush();
                new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                Thread.sleep(60_000); // SIGKILL is on its way
            }
            return invocation.proceed();
        });
        return proxy.getProxy();
    }
}
