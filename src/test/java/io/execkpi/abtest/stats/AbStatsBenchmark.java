package io.execkpi.abtest.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times the nightly A/B workload: 10,000 experiments of three arms (control + 2 treatments),
 * each evaluated for a conversion metric (SRM, z-tests, intervals, Holm, chance to beat control,
 * MDE) and a mean metric (Welch); and {@link #runEffects}, the gbstats workload. Not a test: run
 * {@link #main} (targets: median &lt; 1 s and &lt; 2 s).
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

    // ---------------------------------------------------------------- gbstats effects: CUPED + sequential

    /**
     * Evaluates 10,000 experiments of three arms (control + 2 treatments) and three metrics each with
     * {@link EffectStatistics#evaluate}: revenue per user (mean) and conversion (proportion), both with a
     * pre-period covariate (CUPED, θ pooled per comparison), and orders per user (mean, with covariate too);
     * sequential confidence sequences (tuning 5000, the fixed-horizon result computed beside them), risk,
     * chance to win, SRM over all arms and Benjamini–Hochberg over the six (metric, treatment arm) pairs.
     * Same warm-up and repetitions as {@link #run}.
     *
     * @return nanoseconds of each timed repetition
     */
    public static long[] runEffects(int repetitions) {
        List<List<MetricInput>> experiments = generateEffects(new SplittableRandom(20240602));
        EffectOptions options = new EffectOptions(0.05, Difference.RELATIVE, Correction.BH,
                EffectOptions.DEFAULT_SEQUENTIAL_TUNING);
        for (int i = 0; i < WARM_UP; i++) {
            evaluateEffects(experiments, options);
        }
        long[] nanos = new long[repetitions];
        for (int r = 0; r < repetitions; r++) {
            long start = System.nanoTime();
            evaluateEffects(experiments, options);
            nanos[r] = System.nanoTime() - start;
        }
        return nanos;
    }

    private static void evaluateEffects(List<List<MetricInput>> experiments, EffectOptions options) {
        double acc = 0;
        for (List<MetricInput> metrics : experiments) {
            ExperimentEffects e = EffectStatistics.evaluate(metrics, null, AbStatistics.DEFAULT_SRM_THRESHOLD, options);
            for (MetricEffects m : e.metrics()) {
                for (EffectComparison c : m.variants()) {
                    acc += c.adjustedPValue() == null ? 0 : c.adjustedPValue();
                }
            }
            acc += e.srm().pValue();
        }
        sink = acc;
    }

    private static List<List<MetricInput>> generateEffects(SplittableRandom random) {
        List<List<MetricInput>> out = new ArrayList<>(EXPERIMENTS);
        String[] names = {"control", "B", "C"};
        for (int i = 0; i < EXPERIMENTS; i++) {
            long users = Math.round(Math.exp(Math.log(500) + random.nextDouble() * Math.log(1000)));
            double rate = Math.exp(Math.log(0.005) + random.nextDouble() * Math.log(120));
            double revenueMean = 5 + 50 * random.nextDouble();
            double ordersMean = 0.2 + random.nextDouble();
            double rho = 0.2 + 0.6 * random.nextDouble();
            SufficientStats[][] arms = new SufficientStats[3][3];
            for (int a = 0; a < 3; a++) {
                long n = a == 0 ? users : Math.max(2, Math.round(users * (0.97 + 0.06 * random.nextDouble())));
                double lift = a == 0 ? 1 : 1 + 0.1 * (random.nextDouble() - 0.5);
                arms[0][a] = meanWithCovariate(names[a], n, revenueMean * lift, revenueMean, rho, random);
                arms[1][a] = proportionWithCovariate(names[a], n, Math.min(0.99, rate * lift), rate, rho);
                arms[2][a] = meanWithCovariate(names[a], n, ordersMean * lift, ordersMean, rho, random);
            }
            out.add(List.of(metric("revenue_per_user", MetricKind.MEAN, arms[0]),
                    metric("conversion", MetricKind.PROPORTION, arms[1]),
                    metric("orders_per_user", MetricKind.MEAN, arms[2])));
        }
        return out;
    }

    private static MetricInput metric(String name, MetricKind kind, SufficientStats[] arms) {
        return new MetricInput(name, kind, arms[0], List.of(arms[1], arms[2]));
    }

    /** Post mean m and pre mean m0, standard deviations 3m and 3m0, correlation rho, as n, Σ, Σ², Σx, Σx², Σxy. */
    private static SufficientStats meanWithCovariate(String name, long n, double mean, double preMean, double rho,
                                                     SplittableRandom random) {
        double m = mean * (1 + 0.02 * (random.nextDouble() - 0.5));
        double sd = 3 * mean;
        double preSd = 3 * preMean;
        return new SufficientStats(name, n, n * m, (n - 1) * sd * sd + n * m * m, n * preMean,
                (n - 1) * preSd * preSd + n * preMean * preMean, (n - 1) * rho * sd * preSd + n * m * preMean);
    }

    /** Post rate p and pre rate q with correlation rho between the 0/1 values, as n, Σy, Σx, Σxy. */
    private static SufficientStats proportionWithCovariate(String name, long n, double p, double q, double rho) {
        double converters = Math.round(n * p);
        double preConverters = Math.round(n * q);
        double both = Math.min(Math.min(converters, preConverters),
                Math.round(n * (rho * Math.sqrt(p * (1 - p) * q * (1 - q)) + p * q)));
        return new SufficientStats(name, n, converters, converters, preConverters, preConverters, both);
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
        long[] effects = runEffects(repetitions);
        long[] sortedEffects = effects.clone();
        Arrays.sort(sortedEffects);
        System.out.printf("%d experiments x 3 arms x 3 metrics, CUPED + sequential: median %.1f ms over %d "
                + "repetitions %s%n", EXPERIMENTS, sortedEffects[sortedEffects.length / 2] / 1e6, repetitions,
                Arrays.stream(effects).mapToObj(n -> String.format("%.0f", n / 1e6)).toList());
    }
}
