package io.ramshift.tools;

import io.ramshift.engine.RamshiftException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Options of a live (pre-copy) migration.
 */
final class LiveOptionsMixin
{
    @Option(names = "--live", description = "Live pre-copy: resend changed pages round by round, stop the writer, " +
        "send the final round.")
    boolean live;

    @Option(names = "--downtime-limit", defaultValue = "300", paramLabel = "MS",
        description = "Stop when the final round is estimated to take at most this long (default ${DEFAULT-VALUE} ms).")
    long downtimeLimitMs;

    @Option(names = "--max-rounds", defaultValue = "30", description = "Rounds after the bulk round before the stop " +
        "is forced (default ${DEFAULT-VALUE}).")
    int maxRounds;

    @Option(names = "--max-seconds", defaultValue = "300", description = "Seconds before the stop is forced " +
        "(default ${DEFAULT-VALUE}).")
    long maxSeconds;

    @Option(names = "--dirty-rate", defaultValue = "0", paramLabel = "PAGES/s",
        description = "Run an in-process writer that dirties this many pages per second (a test workload).")
    double dirtyRate;

    @Option(names = "--hot-set", defaultValue = "0", paramLabel = "PAGES",
        description = "Pages the in-process writer chooses from (default: the whole image).")
    long hotSet;

    @Option(names = "--external", description = "Another process writes the image: find changed pages by hashing " +
        "the pages sent before (allocated extents only).")
    boolean external;

    @Option(names = "--naive", description = "Baseline for benchmarks: resend every page sent before in every round.")
    boolean naive;

    @Option(names = "--dirty-log", paramLabel = "F", description = "A dirty log file (format in the README) merged " +
        "before each round.")
    Path dirtyLog;

    @Option(names = "--stop-command", paramLabel = "CMD", description = "Shell command run to stop the writer " +
        "(e.g. pause the guest); the final round starts when it exits.")
    String stopCommand;

    @Option(names = "--complete-command", paramLabel = "CMD", description = "Shell command run after the destination " +
        "is verified (e.g. start the destination guest).")
    String completeCommand;

    static void runCommand(final String what, final String command)
    {
        if (command == null)
        {
            return;
        }
        try
        {
            final Process process = new ProcessBuilder("bash", "-c", command).inheritIO().start();
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new RamshiftException(what + " did not finish within 60 s: " + command);
            }
            if (process.exitValue() != 0)
            {
                throw new RamshiftException(what + " failed: exit=" + process.exitValue() + " command=" + command);
            }
        }
        catch (final IOException ex)
        {
            throw new RamshiftException(what + " could not run: " + command + ": " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RamshiftException("interrupted while running " + what, ex);
        }
    }
}
