package io.ramshift.tools;

import io.ramshift.engine.transfer.TransferOptions;
import io.ramshift.layout.ProtocolDescriptor;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The transfer options shared by send, receive and migrate.
 */
final class TransferOptionsMixin
{
    @Option(names = "--resize", description = "Allow changing the size of an existing destination of another size.")
    boolean resize;

    @Option(names = "--no-sync", description = "Do not fsync the destination before reporting success.")
    boolean noSync;

    @Option(names = "--no-holes", description = "Do not look for holes in the source (SEEK_DATA); read every page.")
    boolean noHoles;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    int batchPages;

    int streams;

    /**
     * Parallel streams, checked against the protocol limit so a bad value is a usage error.
     *
     * @param count TCP connections of the session.
     */
    @Option(names = "--streams", defaultValue = "1",
        description = "Parallel TCP streams, each with a 2 MiB-aligned slice of the image, 1.." +
            ProtocolDescriptor.MAX_STREAMS + " (default ${DEFAULT-VALUE}).")
    void streams(final int count)
    {
        if (count < 1 || count > ProtocolDescriptor.MAX_STREAMS)
        {
            throw new ParameterException(mixee.commandLine(), "--streams must be in [1, " +
                ProtocolDescriptor.MAX_STREAMS + "]: " + count);
        }
        streams = count;
    }

    @Option(names = "--no-lz4", description = "Never compress batches.")
    boolean noLz4;

    @Option(names = "--lz4-always", description = "Compress every batch that shrinks, even when the link keeps up.")
    boolean lz4Always;

    @Option(names = "--no-dedup", description = "Send duplicate pages as bytes instead of references.")
    boolean noDedup;

    @Option(names = "--io-timeout", defaultValue = "120", paramLabel = "SECONDS",
        description = "Fail when the peer makes no progress for this long (default ${DEFAULT-VALUE}; 0 waits forever).")
    long ioTimeoutSeconds;

    @Option(names = "--key-file", paramLabel = "F", description = "Pre-shared key (at least 16 bytes): both ends must " +
        "prove it (HMAC-SHA256 challenge-response) before any image byte moves; give the same file to both ends.")
    java.nio.file.Path keyFile;

    @Option(names = "--delta", description = "The destination holds an earlier copy: send only the pages that differ " +
        "(hashes from valid manifest sidecars, else both ends hash their image in parallel).")
    boolean delta;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    @Option(names = "--stats", description = "Print per-stage times and rates and batch latency percentiles.")
    boolean stats;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Write an HTML report with throughput over time.")
    java.nio.file.Path report;

    /**
     * Data pages per batch, checked against the protocol limit so a bad value is a usage error.
     *
     * @param pages data pages per RUN_BATCH.
     */
    @Option(names = "--batch-pages", defaultValue = "64",
        description = "Data pages per batch, 1.." + ProtocolDescriptor.MAX_BATCH_DATA_PAGES +
            " (default ${DEFAULT-VALUE}).")
    void batchPages(final int pages)
    {
        if (pages < 1 || pages > ProtocolDescriptor.MAX_BATCH_DATA_PAGES)
        {
            throw new ParameterException(mixee.commandLine(), "--batch-pages must be in [1, " +
                ProtocolDescriptor.MAX_BATCH_DATA_PAGES + "]: " + pages);
        }
        batchPages = pages;
    }

    TransferOptions toOptions()
    {
        final TransferOptions options = new TransferOptions();
        options.resize = resize;
        options.noSync = noSync;
        options.detectHoles = !noHoles;
        options.batchDataPages = batchPages;
        options.streams = streams;
        options.lz4 = !noLz4;
        options.lz4Always = lz4Always;
        options.dedup = !noDedup;
        options.ioTimeoutMs = ioTimeoutSeconds * 1000;
        options.delta = delta;
        options.authenticator = keyFile == null ? null :
            io.ramshift.engine.transfer.SessionAuthenticator.fromFile(keyFile);
        // the hashes of both ends come from valid sidecars or are computed now (with a progress bar), and the
        // destination's sidecar is kept for the next delta
        options.sourceHashes = new SidecarPageHashes("hashing source", !json, true);
        options.destinationHashes = new SidecarPageHashes("hashing destination", !json, false);
        options.keepHashes = SidecarPageHashes::keep;
        return options;
    }
}
