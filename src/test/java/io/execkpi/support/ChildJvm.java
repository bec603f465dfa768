package io.execkpi.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM running a test's {@code main} class on this JVM's class path, with the same store choice as this JVM
 * ({@link PostgresStoreForTests#childJvmArguments}): the process a crash test kills. Its standard error goes to its
 * standard output, which the test reads line by line.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Starts {@code main} with {@code args} as a child process whose application data lives in {@code dataDir}.
     *
     * @throws IOException when the process cannot be started
     */
    public static Process start(Path dataDir, Class<?> main, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(PostgresStoreForTests.childJvmArguments(dataDir));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
