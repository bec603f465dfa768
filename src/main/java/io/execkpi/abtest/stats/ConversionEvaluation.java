package io.execkpi.abtest.stats;

import java.util.List;

/**
 * A conversion metric of one experiment: the sample-ratio check and one comparison per
 * treatment arm, in the order the arms were given.
 */
public record ConversionEvaluation(double alpha, SrmResult srm, ConversionArm control, double controlRate,
                                   List<ConversionComparison> variants) {

    public ConversionEvaluation {
        variants = List.copyOf(variants);
    }
}
