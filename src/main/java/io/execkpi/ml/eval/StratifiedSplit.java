package io.execkpi.ml.eval;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A train/test split that keeps each class's share: per class, the row indices are shuffled with a fixed seed and
 * {@code round(n_class · testFraction)} of them go to the test split. The same labels, fraction and seed always give
 * the same split, so later steps of a job recompute it instead of storing it.
 *
 * @param train row indices of the training split, ascending
 * @param test  row indices of the test split, ascending
 */
public record StratifiedSplit(int[] train, int[] test) {

    public static StratifiedSplit of(int[] labels, double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
        Random random = new Random(seed);
        int[] train = new int[0];
        int[] test = new int[0];
        for (int label : new int[] {1, 0}) {
            int[] rows = IntStream.range(0, labels.length).filter(i -> labels[i] == label).toArray();
            shuffle(rows, random);
            int nTest = (int) Math.round(rows.length * testFraction);
            test = concat(test, Arrays.copyOfRange(rows, 0, nTest));
            train = concat(train, Arrays.copyOfRange(rows, nTest, rows.length));
        }
        Arrays.sort(train);
        Arrays.sort(test);
        return new StratifiedSplit(train, test);
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
