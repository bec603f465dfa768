package io.execkpi.ml.features;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The extracted feature matrix: one row per user (ascending user id) with its label, its activity flag (scoring
 * population) and the values of {@link MlFeatures#NAMES} in that order. Stored between job steps as a CSV file whose
 * doubles round-trip exactly ({@link Double#toString}).
 */
public record FeatureTable(long[] userIds, int[] labels, boolean[] active, double[][] values) {

    private static final String HEADER_PREFIX = "user_id,label,active";

    public FeatureTable {
        if (labels.length != userIds.length || active.length != userIds.length || values.length != userIds.length) {
            throw new IllegalArgumentException("feature table columns differ in length");
        }
    }

    public int size() {
        return userIds.length;
    }

    /** The labels of the given rows. */
    public int[] labels(int[] rows) {
        return Arrays.stream(rows).map(i -> labels[i]).toArray();
    }

    /** The rows whose activity flag is set, ascending. */
    public int[] activeRows() {
        return java.util.stream.IntStream.range(0, size()).filter(i -> active[i]).toArray();
    }

    public long positives() {
        return Arrays.stream(labels).filter(v -> v == 1).count();
    }

    public void write(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(HEADER_PREFIX);
            for (String name : MlFeatures.NAMES) {
                out.write(',');
                out.write(name);
            }
            out.write('\n');
            StringBuilder line = new StringBuilder(512);
            for (int i = 0; i < size(); i++) {
                line.setLength(0);
                line.append(userIds[i]).append(',').append(labels[i]).append(',').append(active[i] ? 1 : 0);
                for (double v : values[i]) {
                    line.append(',').append(v);
                }
                out.append(line).append('\n');
            }
        }
    }

    public static FeatureTable read(Path file) throws IOException {
        List<long[]> ids = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        List<int[]> flags = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            String expected = HEADER_PREFIX + "," + String.join(",", MlFeatures.NAMES);
            if (!expected.equals(header)) {
                throw new IOException("Feature file " + file + " has columns " + header + ", expected " + expected
                        + " (written by another version?)");
            }
            int n = MlFeatures.NAMES.size();
            String line;
            while ((line = in.readLine()) != null) {
                String[] cells = line.split(",", -1);
                if (cells.length != n + 3) {
                    throw new IOException("Feature file " + file + ": bad line " + (ids.size() + 2));
                }
                ids.add(new long[] {Long.parseLong(cells[0])});
                flags.add(new int[] {Integer.parseInt(cells[1]), Integer.parseInt(cells[2])});
                double[] v = new double[n];
                for (int j = 0; j < n; j++) {
                    v[j] = Double.parseDouble(cells[j + 3]);
                }
                rows.add(v);
            }
        }
        int size = ids.size();
        long[] userIds = new long[size];
        int[] labels = new int[size];
        boolean[] active = new boolean[size];
        for (int i = 0; i < size; i++) {
            userIds[i] = ids.get(i)[0];
            labels[i] = flags.get(i)[0];
            active[i] = flags.get(i)[1] == 1;
        }
        return new FeatureTable(userIds, labels, active, rows.toArray(double[][]::new));
    }
}
