package io.ramshift.tools;

import io.ramshift.engine.transfer.TransferOptions;
import picocli.CommandLine.Option;

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

    @Option(names = "--batch-pages", defaultValue = "64", description = "Data pages per batch (default ${DEFAULT-VALUE}).")
    int batchPages;

    @Option(names = "--streams", defaultValue = "1",
        description = "Parallel TCP streams, each with a 2 MiB-aligned slice of the image (default ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--no-lz4", description = "Never compress batches.")
    boolean noLz4;

    @Option(names = "--lz4-always", description = "Compress every batch that shrinks, even when the link keeps up.")
    boolean lz4Always;

    @Option(names = "--no-dedup", description = "Send duplicate pages as bytes instead of references.")
    boolean noDedup;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    @Option(names = "--stats", description = "Print per-stage times and rates and batch latency percentiles.")
    boolean stats;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Write an HTML report with throughput over time.")
    java.nio.file.Path report;

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
        return options;
    }
}
