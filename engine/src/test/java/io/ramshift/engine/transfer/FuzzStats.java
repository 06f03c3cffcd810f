package io.ramshift.engine.transfer;

import io.ramshift.engine.RamshiftException;
import io.ramshift.layout.LayoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the executions of one fuzz target and sorts their outcomes: accepted, rejected with one of the project's
 * exceptions (by message with the numbers taken out), or a finding, which is rethrown for Jazzer to report; prints
 * the counts and writes them to {@code <ramshift.fuzz.reports>/<target>-<mode>.txt}.
 */
final class FuzzStats
{
    private final String target;
    private final Map<String, Integer> rejections = new TreeMap<>();
    private final long startNanos = System.nanoTime();
    private long executions;
    private long accepted;
    private long rejected;
    private long findings;
    private long maxHeap;
    private long maxDirect;

    /**
     * @param target name of the fuzz target in reports.
     */
    FuzzStats(final String target)
    {
        this.target = target;
    }

    /** @return true when Jazzer fuzzes (JAZZER_FUZZ set), false when it only replays the corpus. */
    static boolean fuzzing()
    {
        final String env = System.getenv("JAZZER_FUZZ");
        final String property = System.getProperty("JAZZER_FUZZ");
        return env != null && !env.isEmpty() || property != null && !property.isEmpty();
    }

    /**
     * Record one execution's outcome; a failure that is not the project's is a finding and is rethrown.
     *
     * @param failure what the execution threw, or null when it succeeded.
     * @param input   the execution's input, for the finding's message.
     */
    synchronized void outcome(final Throwable failure, final byte[] input)
    {
        executions++;
        if (failure == null)
        {
            accepted++;
            return;
        }
        if (failure instanceof RamshiftException || failure instanceof LayoutException)
        {
            rejected++;
            rejections.merge(reason(failure), 1, Integer::sum);
            return;
        }
        findings++;
        System.out.println("FINDING in fuzz target " + target + " (input " + input.length + " bytes): " + failure);
        throw sneaky(failure);
    }

    /**
     * Record a broken invariant (after an execution ended normally or with the project's exception).
     *
     * @param message what broke.
     * @return the error to throw.
     */
    synchronized AssertionError finding(final String message)
    {
        findings++;
        System.out.println("FINDING in fuzz target " + target + ": " + message);
        return new AssertionError(message);
    }

    /**
     * Track the largest allocation of one execution.
     *
     * @param heap   heap bytes the execution's thread allocated.
     * @param direct growth of direct memory during the execution.
     */
    synchronized void allocated(final long heap, final long direct)
    {
        maxHeap = Math.max(maxHeap, heap);
        maxDirect = Math.max(maxDirect, direct);
    }

    /** @return executions so far. */
    synchronized long executions()
    {
        return executions;
    }

    /**
     * Print the summary and write it to the report file.
     */
    synchronized void report()
    {
        final String mode = fuzzing() ? "fuzzing" : "regression";
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        final StringBuilder text = new StringBuilder();
        text.append(String.format("fuzz target %s (%s): %d executions in %.1f s, %d accepted, %d rejected " +
            "(%d kinds), %d findings; max per execution: heap %d bytes, direct %d bytes%n", target, mode,
            executions, seconds, accepted, rejected, rejections.size(), findings, maxHeap, maxDirect));
        rejections.forEach((reason, count) -> text.append(String.format("  %8d  %s%n", count, reason)));
        System.out.print(text);
        final Path dir = Paths.get(System.getProperty("ramshift.fuzz.reports", "target/fuzz-reports"));
        try
        {
            Files.createDirectories(dir);
            Files.write(dir.resolve(target + "-" + mode + ".txt"), text.toString().getBytes(StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String reason(final Throwable failure)
    {
        Throwable cause = failure;
        while (cause.getCause() instanceof LayoutException || cause.getCause() instanceof RamshiftException)
        {
            cause = cause.getCause();
        }
        // up to the first colon, numbers replaced by N; no regex: the fuzzer hooks every one
        final String text = String.valueOf(cause.getMessage());
        final int cut = text.indexOf(':');
        final StringBuilder reason = new StringBuilder(cause.getClass().getSimpleName()).append(": ");
        boolean inNumber = false;
        for (int i = 0, end = cut > 0 ? cut : text.length(); i < end; i++)
        {
            final char c = text.charAt(i);
            if (c >= '0' && c <= '9' && (inNumber || i == 0 || !Character.isLetter(text.charAt(i - 1))))
            {
                if (!inNumber)
                {
                    reason.append('N');
                }
                inNumber = true;
            }
            else if (!inNumber || !Character.isLetterOrDigit(c))
            {
                reason.append(c);
                inNumber = false;
            }
        }
        return reason.toString();
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(final Throwable failure) throws T
    {
        throw (T)failure;
    }
}
