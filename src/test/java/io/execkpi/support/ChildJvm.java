package io.execkpi.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
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

    /**
     * Reads the child's output line by line, hands each line to {@code everyLine}, and kills the child with SIGKILL
     * ({@code destroyForcibly}: no shutdown hook) at the first line that {@code killPoint} accepts; then waits for it
     * to end. The child is killed as well when its output ends first.
     *
     * @return the line the child was killed at, or null when its output ended without one
     * @throws IOException when the output cannot be read
     * @throws IllegalStateException when the child does not end within a minute of the kill
     */
    public static String killAt(Process child, Predicate<String> killPoint, Consumer<String> everyLine)
            throws IOException, InterruptedException {
        String at = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                everyLine.accept(line);
                if (killPoint.test(line)) {
                    at = line;
                    child.destroyForcibly();
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the killed child process did not end within a minute");
            }
        }
        return at;
    }
}
