package io.ramshift.tools;

import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.live.LiveRounds;
import io.ramshift.engine.postcopy.PostcopyFigures;
import io.ramshift.engine.postcopy.PostcopyImage;
import io.ramshift.engine.postcopy.PostcopyReaders;
import io.ramshift.engine.postcopy.PostcopySettings;
import io.ramshift.engine.transfer.TransferOptions;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Options of post-copy and hybrid migration: when the source switches, how it prefetches, how long both ends wait
 * for a dropped link, and the synthetic readers (the guest) on the destination.
 */
final class PostcopyOptionsMixin implements AutoCloseable
{
    @Option(names = "--postcopy", description = "Post-copy: switch at once (before the bulk round); the destination " +
        "starts now and pulls the pages its readers touch while the rest is pushed. Needs --live.")
    boolean postcopy;

    @Option(names = "--postcopy-after", defaultValue = "-1", paramLabel = "N",
        description = "Hybrid: pre-copy up to N rounds after the bulk round, then switch to post-copy (earlier when " +
            "rounds stop converging, on --postcopy-request-file, or instead of a final round over the downtime " +
            "limit). Needs --live.")
    int postcopyAfter;

    @Option(names = "--postcopy-prefetch", defaultValue = "15", paramLabel = "K",
        description = "Pages after a demanded page, not sent yet, that travel with its reply (default ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--postcopy-request-file", paramLabel = "F",
        description = "Hybrid: switch to post-copy at the next round once this file exists.")
    Path requestFile;

    @Option(names = "--postcopy-reconnect", defaultValue = "60", paramLabel = "SECONDS",
        description = "How long both ends wait for a dropped post-copy link to come back (default ${DEFAULT-VALUE}).")
    double reconnectSeconds;

    @Option(names = "--postcopy-readers", defaultValue = "random", paramLabel = "random|sequential|none",
        description = "Destination readers started at the switch (the guest; default ${DEFAULT-VALUE}).")
    String readers;

    @Option(names = "--postcopy-reader-threads", defaultValue = "1", paramLabel = "N",
        description = "Reader threads (default ${DEFAULT-VALUE}).")
    int readerThreads;

    @Option(names = "--postcopy-read-seconds", defaultValue = "0", paramLabel = "S",
        description = "How long the readers read (default: until every page arrived).")
    double readSeconds;

    @Option(names = "--postcopy-read-rate", defaultValue = "100000", paramLabel = "PAGES/s",
        description = "Pages per second each reader thread reads at most; it parks when ahead (default " +
            "${DEFAULT-VALUE}; 0 = unpaced: a reader of pages already current spins a core).")
    long readRate;

    private final AtomicReference<PostcopyReaders> started = new AtomicReference<>();
    private final AtomicReference<PostcopyImage> image = new AtomicReference<>();
    private Thread requestWatcher;
    private volatile boolean closed;

    /** @return true when the source side asked for post-copy (pure or hybrid). */
    boolean enabled()
    {
        return postcopy || postcopyAfter >= 0;
    }

    private PostcopySettings settings()
    {
        final PostcopySettings settings = new PostcopySettings();
        settings.prefetchPages = Math.max(0, Math.min(prefetch, 255));
        settings.reconnectWindowMs = (long)(reconnectSeconds * 1000);
        return settings;
    }

    /**
     * Source side: enable the switch in the rounds and give the sender its settings.
     */
    void applySender(final TransferOptions options, final LiveRounds rounds, final boolean live)
    {
        if (!enabled())
        {
            return;
        }
        if (!live || rounds == null)
        {
            throw new RamshiftException("--postcopy and --postcopy-after need --live");
        }
        rounds.postcopy(postcopyAfter, postcopy, 4096);
        if (options.postcopy == null)
        {
            options.postcopy = settings();
        }
        options.postcopy.prefetchPages = Math.max(0, Math.min(prefetch, 255));
        if (requestFile != null)
        {
            requestWatcher = new Thread(() ->
            {
                while (!closed)
                {
                    if (Files.exists(requestFile))
                    {
                        rounds.requestPostcopy();
                        return;
                    }
                    try
                    {
                        Thread.sleep(50);
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                }
            }, "ramshift-postcopy-request");
            requestWatcher.setDaemon(true);
            requestWatcher.start();
        }
    }

    /**
     * Destination side: the reconnect window and the readers started at the switch.
     */
    void applyReceiver(final TransferOptions options)
    {
        final PostcopyReaders.Pattern pattern;
        switch (readers.toLowerCase(Locale.ROOT))
        {
            case "random":
                pattern = PostcopyReaders.Pattern.RANDOM;
                break;
            case "sequential":
                pattern = PostcopyReaders.Pattern.SEQUENTIAL;
                break;
            case "none":
                pattern = null;
                break;
            default:
                throw new RamshiftException("--postcopy-readers must be random, sequential or none: " + readers);
        }
        if (options.postcopy == null)
        {
            options.postcopy = settings();
        }
        options.postcopy.reconnectWindowMs = (long)(reconnectSeconds * 1000);
        final int threads = Math.max(1, readerThreads);
        final long readNanos = (long)(readSeconds * 1e9);
        if (readRate < 0)
        {
            throw new RamshiftException("--postcopy-read-rate must be 0 (unpaced) or more: " + readRate);
        }
        final long rate = readRate;
        options.postcopy.onSwitch = switched ->
        {
            image.set(switched);
            if (pattern != null)
            {
                started.set(new PostcopyReaders(switched, pattern, threads, readNanos, rate, System.nanoTime(),
                    null)
                    .start());
            }
        };
    }

    /** Wait for readers with a time limit to finish, then stop them; refresh the destination's figures. */
    void finishReaders()
    {
        final PostcopyReaders r = started.getAndSet(null);
        if (r != null)
        {
            if (readSeconds > 0)
            {
                r.join();
            }
            r.close();
        }
        final PostcopyImage switched = image.get();
        if (switched != null)
        {
            switched.fillFigures();
        }
    }

    public void close()
    {
        closed = true;
        if (requestWatcher != null)
        {
            requestWatcher.interrupt();
            try
            {
                requestWatcher.join(1000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        final PostcopyReaders r = started.getAndSet(null);
        if (r != null)
        {
            r.close();
        }
    }

    /**
     * The JSON object "postcopy": pushes from the source's figures, faults and readers from the destination's.
     *
     * @param source      the source's figures, or null.
     * @param destination the destination's figures, or null.
     * @param startNanos  the transfer's start (switchSeconds counts from it).
     */
    static JsonWriter json(final PostcopyFigures source, final PostcopyFigures destination, final long startNanos)
    {
        final PostcopyFigures any = source != null ? source : destination;
        final PostcopyFigures dst = destination != null ? destination : source;
        final Histogram latency = dst.faultLatencyMicros;
        return new JsonWriter()
            .field("switchSeconds", (any.switchNanos - startNanos) / 1e9)
            .field("postcopySeconds", any.postcopySeconds())
            .field("pagesAtSwitch", any.pagesAtSwitch)
            .field("pushedPages", any.pushedPages)
            .field("demandedPages", any.demandedPages)
            .field("prefetchedPages", any.prefetchedPages)
            .field("pushBytesPerSecond", source != null ? source.pushBytesPerSecond() : 0.0)
            .field("faults", dst.faults)
            .object("faultLatencyMicros", new JsonWriter()
                .field("p50", latency.getValueAtPercentile(50))
                .field("p90", latency.getValueAtPercentile(90))
                .field("p99", latency.getValueAtPercentile(99))
                .field("max", latency.getMaxValue())
                .field("mean", latency.getTotalCount() == 0 ? 0.0 : latency.getMean()))
            .field("readerPagesRead", dst.readerPagesRead)
            .field("lz4PushFrames", source != null ? source.lz4PushFrames : 0)
            .field("demandTimeouts", destination != null ? destination.demandTimeouts : 0)
            .field("reconnects", any.reconnects);
    }

    /** One line naming the same figures. */
    static String summary(final PostcopyFigures source, final PostcopyFigures destination, final long startNanos)
    {
        final PostcopyFigures any = source != null ? source : destination;
        final PostcopyFigures dst = destination != null ? destination : source;
        final Histogram latency = dst.faultLatencyMicros;
        return String.format(Locale.ROOT, "  post-copy: switch at %.3f s, %.3f s to every page acked; %,d pages at " +
            "the switch: %,d pushed (%.1f MB/s), %,d demanded, %,d prefetched; %,d faults, latency us p50 %d p90 %d " +
            "p99 %d max %d; readers read %,d pages; %d reconnects",
            (any.switchNanos - startNanos) / 1e9, any.postcopySeconds(), any.pagesAtSwitch, any.pushedPages,
            (source != null ? source.pushBytesPerSecond() : 0.0) / 1e6, any.demandedPages, any.prefetchedPages,
            dst.faults, latency.getValueAtPercentile(50), latency.getValueAtPercentile(90),
            latency.getValueAtPercentile(99), latency.getMaxValue(), dst.readerPagesRead, any.reconnects);
    }
}
