package io.execkpi.abtest.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times the nightly A/B workload: 10,000 experiments of three arms (control + 2 treatments),
 * each evaluated for a conversion metric (SRM, z-tests, intervals, Holm, chance to beat control,
 * MDE) and a mean metric (Welch). Not a test: run {@link #main} (target: median &lt; 1 s).
 *
 * <p>Arms have 500 to 500,000 users (log-uniform) and conversion rates from 0.5 % to 60 %, so
 * both chance-to-beat methods (exact sum and quadrature) are exercised in realistic proportions.
 */
public final class AbStatsBenchmark {

    public static final int EXPERIMENTS = 10_000;
    private static final int WARM_UP = 3;

    /** Keeps the JIT from discarding the work. */
    static volatile double sink;

    private AbStatsBenchmark() {
    }

    private record Experiment(ConversionArm control, List<ConversionArm> conversions,
                              MeanArm meanControl, List<MeanArm> means) {
    }

    /**
     * Evaluates the same 10,000 experiments {@code repetitions} times after a warm-up.
     *
     * @return nanoseconds of each timed repetition
     */
    public static long[] run(int repetitions) {
        List<Experiment> experiments = generate(new SplittableRandom(20240601));
        for (int i = 0; i < WARM_UP; i++) {
            evaluateAll(experiments);
        }
        long[] nanos = new long[repetitions];
        for (int r = 0; r < repetitions; r++) {
            long start = System.nanoTime();
            evaluateAll(experiments);
            nanos[r] = System.nanoTime() - start;
        }
        return nanos;
    }

    private static void evaluateAll(List<Experiment> experiments) {
        double acc = 0;
        for (Experiment e : experiments) {
            ConversionEvaluation conversion = AbStatistics.evaluateConversion(e.control(), e.conversions(), 0.05);
            for (ConversionComparison c : conversion.variants()) {
                acc += c.chanceToBeatControl() + (c.adjustedPValue() == null ? 0 : c.adjustedPValue());
            }
            for (MeanComparison m : AbStatistics.evaluateMean(e.meanControl(), e.means(), 0.05)) {
                acc += m.adjustedPValue() == null ? 0 : m.adjustedPValue();
            }
            acc += conversion.srm().pValue();
        }
        sink = acc;
    }

    private static List<Experiment> generate(SplittableRandom random) {
        List<Experiment> out = new ArrayList<>(EXPERIMENTS);
        for (int i = 0; i < EXPERIMENTS; i++) {
            long users = Math.round(Math.exp(Math.log(500) + random.nextDouble() * Math.log(1000)));
            double rate = Math.exp(Math.log(0.005) + random.nextDouble() * Math.log(120));
            double revenueMean = 5 + 50 * random.nextDouble();
            ConversionArm control = conversionArm("control", users, rate, random);
            MeanArm meanControl = meanArm("control", users, revenueMean, random);
            List<ConversionArm> conversions = new ArrayList<>(2);
            List<MeanArm> means = new ArrayList<>(2);
            for (String name : new String[] {"B", "C"}) {
                long armUsers = Math.max(2, Math.round(users * (0.97 + 0.06 * random.nextDouble())));
                double lift = 1 + 0.1 * (random.nextDouble() - 0.5);
                conversions.add(conversionArm(name, armUsers, Math.min(0.99, rate * lift), random));
                means.add(meanArm(name, armUsers, revenueMean * lift, random));
            }
            out.add(new Experiment(control, conversions, meanControl, means));
        }
        return out;
    }

    private static ConversionArm conversionArm(String name, long users, double rate, SplittableRandom random) {
        double sd = Math.sqrt(users * rate * (1 - rate));
        long conversions = Math.round(users * rate + sd * (2 * random.nextDouble() - 1));
        return new ConversionArm(name, users, Math.max(0, Math.min(users, conversions)));
    }

    /** Revenue-like arm: mean m, standard deviation 3m, given as n, Σy, Σy². */
    private static MeanArm meanArm(String name, long n, double mean, SplittableRandom random) {
        double m = mean * (1 + 0.02 * (random.nextDouble() - 0.5));
        double sd = 3 * mean;
        return new MeanArm(name, n, n * m, (n - 1) * sd * sd + n * m * m);
    }

    /** Prints the median of 7 timed repetitions. */
    public static void main(String[] args) {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        long[] nanos = run(repetitions);
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%d experiments x 3 arms: median %.1f ms over %d repetitions %s%n", EXPERIMENTS,
                sorted[sorted.length / 2] / 1e6, repetitions,
                Arrays.stream(nanos).mapToObj(n -> String.format("%.0f", n / 1e6)).toList());
    }
}
