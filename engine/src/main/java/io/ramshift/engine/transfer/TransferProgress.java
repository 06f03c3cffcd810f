package io.ramshift.engine.transfer;

import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live and recorded progress of one side of a transfer: pages done (read by a progress bar from another
 * thread), a per-batch latency histogram, and a capped time series of pages done for a throughput chart.
 * Recording allocates nothing; merging per-stream recorders happens after the streams end.
 */
public final class TransferProgress
{
    /** Samples kept for the time series (one per {@link #SAMPLE_INTERVAL_NANOS} at most). */
    public static final int MAX_SAMPLES = 4096;
    /** Minimum time between two samples. */
    public static final long SAMPLE_INTERVAL_NANOS = 5_000_000L;

    private final AtomicLong pagesDone = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private final Histogram batchNanos = new Histogram(3_600_000_000_000L, 2);
    private final long[] sampleNanos = new long[MAX_SAMPLES];
    private final long[] samplePages = new long[MAX_SAMPLES];
    private int samples;
    private long lastSample;

    /**
     * Count pages handled (any thread).
     *
     * @param pages pages handled since the last call.
     */
    public void addPages(final long pages)
    {
        pagesDone.addAndGet(pages);
    }

    /** @return pages handled so far (any thread). */
    public long pagesDone()
    {
        return pagesDone.get();
    }

    /**
     * Record one batch's latency and, at most every 5 ms, a time-series sample; call from one thread.
     *
     * @param nanos time from the batch's first run to the end of its write.
     */
    public synchronized void recordBatch(final long nanos)
    {
        batchNanos.recordValue(Math.max(0, nanos));
        final long now = System.nanoTime();
        if (now - lastSample >= SAMPLE_INTERVAL_NANOS && samples < MAX_SAMPLES)
        {
            lastSample = now;
            sampleNanos[samples] = now - startNanos;
            samplePages[samples] = pagesDone.get();
            samples++;
        }
    }

    /** @return latency of batches in nanoseconds. */
    public Histogram batchNanos()
    {
        return batchNanos;
    }

    /** @return time-series samples recorded. */
    public int samples()
    {
        return samples;
    }

    /**
     * @param index of a sample.
     * @return nanoseconds since this recorder was made.
     */
    public long sampleNanos(final int index)
    {
        return sampleNanos[index];
    }

    /**
     * @param index of a sample.
     * @return pages done at that sample.
     */
    public long samplePages(final int index)
    {
        return samplePages[index];
    }
}
