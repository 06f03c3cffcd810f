package io.ramshift.perf;

import java.util.Arrays;

/**
 * The median of a benchmark's repeated measurements (the mean of the middle two for an even count).
 */
final class Medians
{
    private Medians()
    {
    }

    /**
     * @param values measurements, any order (not modified).
     * @return their median, NaN when there are none.
     */
    static double of(final double[] values)
    {
        if (values.length == 0)
        {
            return Double.NaN;
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
