package io.execkpi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fresh data directory per test class, under target/, so embedded databases never collide. */
public final class TestData {

    private TestData() {
    }

    public static Path newDataDir(String name) {
        try {
            Path base = Path.of(System.getProperty("execkpi.test.dir", "target/test-data"));
            Files.createDirectories(base);
            return Files.createTempDirectory(base.toAbsolutePath(), name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
