package io.ramshift.perf;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the JMH stage benchmarks (JMH's own command-line options apply) and prints each as GB/s per core and as
 * a fraction of this machine's single-thread memory read bandwidth measured in the same run.
 */
public final class StageReport
{
    /** Bytes one benchmark op covers. */
    private static final Map<String, Long> BYTES_PER_OP = Map.of(
        "xxh3Page", 4096L,
        "lz4PerPage", 4096L,
        "lz4PerBatch", 65536L,
        "lz4DecodeBatch", 65536L,
        "bitmapToRuns", 65536L * 4096L,
        "zeroSpan", 16L * 4096L);

    private StageReport()
    {
    }

    /**
     * @param args JMH options, e.g. {@code -wi 3 -i 5 StageBenchmark}.
     * @throws Exception when JMH fails.
     */
    public static void main(final String[] args) throws Exception
    {
        final Collection<RunResult> results = new Runner(new CommandLineOptions(args)).run();
        final double memory = PeerBenchmark.memoryReadGBps();
        System.out.printf(Locale.ROOT, "%nmemory read (1 thread, measured now): %.1f GB/s%n", memory);
        System.out.printf(Locale.ROOT, "%-22s %14s %10s %14s%n", "stage", "ops/s", "GB/s", "of memory read");
        for (final RunResult result : results)
        {
            final String label = result.getParams().getBenchmark();
            final String name = label.substring(label.lastIndexOf('.') + 1);
            final double ops = result.getPrimaryResult().getScore();
            final Long bytes = BYTES_PER_OP.get(name);
            if (bytes == null)
            {
                System.out.printf(Locale.ROOT, "%-22s %,14.0f %10s %14s%n", name, ops, "-", "-");
            }
            else
            {
                final double gbps = ops * bytes / 1e9;
                System.out.printf(Locale.ROOT, "%-22s %,14.0f %10.2f %13.2fx%n", name, ops, gbps, gbps / memory);
            }
        }
    }
}
