package io.execkpi;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ExecKpiApplication {

    /**
     * Starts the service, or with {@code run <job> date=…} runs one job without the web server and exits with its
     * outcome, or with {@code import <dir>} loads a thelook export into the embedded warehouse and exits (see
     * {@link CommandLine}).
     */
    public static void main(String[] args) {
        if (args.length > 0 && ("run".equals(args[0]) || "import".equals(args[0]))) {
            System.exit(CommandLine.run(args, System.err));
        }
        SpringApplication.run(ExecKpiApplication.class, args);
    }
}
