package io.execkpi.thelook;

import java.util.SplittableRandom;

/**
 * Seeding and sampling helpers shared by the generator.
 *
 * <p>Reproducibility across machines and JDKs: the generator only uses {@link SplittableRandom}'s
 * {@code nextLong}/{@code nextDouble}/{@code nextInt} (algorithms fixed by its specification) and
 * {@link StrictMath} (bit-exact everywhere). It never uses {@code nextGaussian} (whose algorithm is
 * not specified) or {@link Math#exp}/{@link Math#log} (intrinsics may differ in the last bit).
 */
final class Rand {

    /** Independent random streams: one per purpose, so adding draws to one never shifts another. */
    static final long STREAM_DAY = 1;
    static final long STREAM_USER_ATTRIBUTES = 2;
    static final long STREAM_USER_VISITS = 3;
    static final long STREAM_CATALOG = 4;
    static final long STREAM_USER_EXPERIMENT = 100; // + experiment index

    private Rand() {
    }

    /** The splitmix64 finaliser: a bijective, well-mixing function of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A random stream for (seed, stream, key), e.g. (seed, STREAM_DAY, epochDay). */
    static SplittableRandom stream(long seed, long stream, long key) {
        long s = mix(mix(seed + 0x9E3779B97F4A7C15L * stream) ^ mix(key * 0xD1B54A32D192ED03L + stream));
        return new SplittableRandom(s);
    }

    /** Standard normal via Box–Muller with StrictMath (stable across JDKs). */
    static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(); // (0, 1]
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** Exponential with the given mean. */
    static double exponential(SplittableRandom r, double mean) {
        return -mean * StrictMath.log(1.0 - r.nextDouble());
    }

    /**
     * Gamma with the given shape and mean 1 (scale 1 / shape): Marsaglia and Tsang's method (ACM TOMS 26(3), 2000),
     * with the boost {@code G(k) = G(k + 1) · U^(1/k)} for shapes below 1. Uses a varying number of draws.
     */
    static double gammaMeanOne(SplittableRandom r, double shape) {
        if (!(shape > 0)) {
            throw new IllegalArgumentException("shape must be > 0: " + shape);
        }
        double k = shape < 1 ? shape + 1 : shape;
        double d = k - 1.0 / 3;
        double c = 1 / StrictMath.sqrt(9 * d);
        double g;
        while (true) {
            double x = gaussian(r);
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = 1.0 - r.nextDouble(); // (0, 1]
            if (StrictMath.log(u) < 0.5 * x * x + d - d * v + d * StrictMath.log(v)) {
                g = d * v;
                break;
            }
        }
        if (shape < 1) {
            g *= StrictMath.pow(1.0 - r.nextDouble(), 1 / shape);
        }
        return g / shape;
    }

    /** Poisson count: exact (Knuth) for small means, rounded normal approximation for large ones. */
    static int poisson(SplittableRandom r, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean < 40) {
            double limit = StrictMath.exp(-mean);
            double p = r.nextDouble();
            int k = 0;
            while (p > limit) {
                p *= r.nextDouble();
                k++;
            }
            return k;
        }
        long k = StrictMath.round(mean + StrictMath.sqrt(mean) * gaussian(r));
        return (int) Math.max(0, k);
    }

    /** Index drawn from a cumulative weight table (last entry = total). */
    static int pick(SplittableRandom r, double[] cumulative) {
        double x = r.nextDouble() * cumulative[cumulative.length - 1];
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    static double[] cumulative(double... weights) {
        double[] c = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            c[i] = sum;
        }
        return c;
    }

    /** A version-4 style UUID string drawn from r. */
    static String uuid(SplittableRandom r) {
        long hi = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lo = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new java.util.UUID(hi, lo).toString();
    }
}
