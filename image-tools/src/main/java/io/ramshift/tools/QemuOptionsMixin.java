package io.ramshift.tools;

import picocli.CommandLine.Option;

/**
 * Options of the live pre-copy of a QEMU guest's RAM file.
 */
final class QemuOptionsMixin
{
    @Option(names = "--downtime-limit", defaultValue = "50", paramLabel = "MS",
        description = "Stop the guest when the final round is estimated to take at most this long " +
            "(default ${DEFAULT-VALUE} ms).")
    long downtimeLimitMs;

    @Option(names = "--max-rounds", defaultValue = "30",
        description = "Rounds after the bulk round before the stop is forced (default ${DEFAULT-VALUE}).")
    int maxRounds;

    @Option(names = "--max-seconds", defaultValue = "300",
        description = "Seconds before the stop is forced (default ${DEFAULT-VALUE}).")
    long maxSeconds;

    @Option(names = "--qmp-timeout", defaultValue = "30", paramLabel = "SECONDS",
        description = "Longest wait for any one QEMU step (default ${DEFAULT-VALUE}).")
    long qmpTimeoutSeconds;

    @Option(names = "--quit-source", description = "Quit the source QEMU once the destination guest runs.")
    boolean quitSource;

    long qmpTimeoutMs()
    {
        return qmpTimeoutSeconds * 1000L;
    }
}
