package io.execkpi.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.util.PropertyPlaceholderHelper;

/**
 * A commit the embedded H2 store acknowledged survives {@code kill -9}: a child JVM commits rows one by one to the
 * store at the default {@code execkpi.store.jdbc-url} of application.yml and is killed (SIGKILL) right after an
 * acknowledged commit; reopened, the store holds every acknowledged row. (With H2's default write delay of 500 ms
 * the last half second of commits was lost.)
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class StoreDurabilityTest {

    @ParameterizedTest(name = "killed after commit {0}")
    @ValueSource(ints = {1, 3, 30})
    void acknowledgedCommitsSurviveKillMinus9(int killAfter) throws Exception {
        Path dir = TestData.newDataDir("durability");
        String url = defaultStoreUrl(dir);
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreCommitChild.class.getName(), url)
                .redirectErrorStream(true).start();
        long acknowledged = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("committed ")) {
                    acknowledged = Long.parseLong(line.substring(10));
                    if (acknowledged >= killAfter) {
                        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged).as("the child committed").isEqualTo(killAfter);
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), MIN(id), MAX(id) FROM durability_probe WHERE id <= "
                     + acknowledged)) {
            rs.next();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                    .as("every acknowledged commit survived").containsExactly(acknowledged, 1L, acknowledged);
        }
    }

    /** The store URL exactly as application.yml configures it, for this data directory. */
    static String defaultStoreUrl(Path dataDir) {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        Properties properties = yaml.getObject();
        properties.setProperty("execkpi.data-dir", dataDir.toString());
        String url = new PropertyPlaceholderHelper("${", "}").replacePlaceholders(
                properties.getProperty("execkpi.store.jdbc-url"), properties);
        assertThat(url).startsWith("jdbc:h2:file:");
        return url;
    }
}
