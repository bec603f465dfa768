package io.execkpi.ml;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * At start-up, before any other runner (the start-up bootstrap included): when the local artifact store has no
 * latest run and the S3 mirror is configured, restore the latest run from S3 (see
 * {@link MlArtifactStore#restoreFromS3IfEmpty()}). Never fails the start-up.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class MlRestoreOnStartup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(MlRestoreOnStartup.class);

    private final MlArtifactStore store;

    public MlRestoreOnStartup(MlArtifactStore store) {
        this.store = store;
    }

    @Override
    public void run(ApplicationArguments args) {
        MlArtifactStore.RestoreOutcome outcome = store.restoreFromS3IfEmpty();
        log.info("ml artifacts at start-up: {}", outcome.message());
    }
}
