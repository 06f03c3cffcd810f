package io.ramshift.engine.transfer;

import io.ramshift.engine.TransferException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * The second half of a stream's pipeline: a thread that compresses and writes the batches the scanning thread
 * filled. A small pool of {@link PageBatchEncoder}s circulates between two lock-free single-producer
 * single-consumer queues (filled → writer, written → scanner), so scanning and hashing overlap compression and
 * socket writes without copying page bytes and without locks.
 */
final class BatchWriter implements Runnable
{
    private final FrameChannel frames;
    private final TransferProgress progress;
    private final PageBatchEncoder[] pool;
    private final OneToOneConcurrentArrayQueue<PageBatchEncoder> filled;
    private final OneToOneConcurrentArrayQueue<PageBatchEncoder> free;
    private final IdleStrategy producerIdle = new BackoffIdleStrategy(20, 10, 1_000, 200_000);
    private final Thread thread;
    private PageBatchEncoder current;
    private long sequence;
    private long submitted;
    private volatile long written;
    private volatile boolean closed;
    private volatile boolean aborted;
    private volatile RuntimeException failure;

    BatchWriter(final FrameChannel frames, final PageBatchEncoder[] pool, final TransferProgress progress,
        final String name)
    {
        this.frames = frames;
        this.progress = progress;
        this.pool = pool;
        this.filled = new OneToOneConcurrentArrayQueue<>(pool.length);
        this.free = new OneToOneConcurrentArrayQueue<>(pool.length);
        this.current = pool[0];
        for (int i = 1; i < pool.length; i++)
        {
            free.offer(pool[i]);
        }
        this.thread = new Thread(this, name);
        this.thread.setDaemon(true);
    }

    void start()
    {
        thread.start();
    }

    /** @return the encoder the scanning thread fills now. */
    PageBatchEncoder current()
    {
        return current;
    }

    /**
     * Hand the current batch to the writer and take an empty encoder (scanning thread only).
     *
     * @param startNanos when the batch's first run was scanned, for the latency histogram.
     * @return the empty encoder to fill next.
     */
    PageBatchEncoder submit(final long startNanos)
    {
        current.startNanos = startNanos;
        submitted++;
        producerIdle.reset();
        while (!filled.offer(current))
        {
            checkWriter();
            producerIdle.idle();
        }
        PageBatchEncoder next;
        producerIdle.reset();
        while ((next = free.poll()) == null)
        {
            checkWriter();
            producerIdle.idle();
        }
        current = next;
        return next;
    }

    /**
     * Hand over the current batch (if any) and wait until every batch handed over so far is written.
     *
     * @param startNanos when the current batch's first run was scanned.
     */
    void flush(final long startNanos)
    {
        if (!current.isEmpty())
        {
            submit(startNanos);
        }
        producerIdle.reset();
        while (written != submitted)
        {
            checkWriter();
            producerIdle.idle();
        }
        checkWriter();
    }

    /**
     * Hand over the last batch (if any), wait until every batch is written, and rethrow a write failure.
     *
     * @param startNanos when the last batch's first run was scanned.
     * @return batches written.
     */
    long finish(final long startNanos)
    {
        if (!current.isEmpty())
        {
            submit(startNanos);
        }
        closed = true;
        join();
        checkWriter();
        return sequence;
    }

    /** Stop writing (the scanning side failed) and wait for the writer to end. */
    void abort()
    {
        aborted = true;
        closed = true;
        join();
    }

    private void join()
    {
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TransferException("interrupted while waiting for the batch writer", ex);
        }
    }

    private void checkWriter()
    {
        final RuntimeException ex = failure;
        if (ex != null)
        {
            throw ex;
        }
    }

    /**
     * Write batches in the order they were filled until closed and drained.
     */
    public void run()
    {
        final IdleStrategy idle = new BackoffIdleStrategy(20, 10, 1_000, 200_000);
        try
        {
            while (!aborted)
            {
                final PageBatchEncoder batch = filled.poll();
                if (batch == null)
                {
                    if (closed && filled.isEmpty())
                    {
                        return;
                    }
                    idle.idle();
                    continue;
                }
                idle.reset();
                batch.write(frames, sequence++);
                if (progress != null)
                {
                    progress.recordBatch(System.nanoTime() - batch.startNanos);
                }
                free.offer(batch);
                written = sequence;
            }
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
    }

    /**
     * Add the encoders' counters to a stream's stats (after {@link #finish(long)} or {@link #abort()}).
     *
     * @param stats of the stream.
     */
    void addCounters(final TransferStats stats)
    {
        for (final PageBatchEncoder encoder : pool)
        {
            stats.lz4Batches += encoder.lz4Batches;
            stats.rawBatches += encoder.rawBatches;
            stats.rawDataBytes += encoder.rawDataBytes;
            stats.payloadBytes += encoder.payloadBytes;
            stats.codecNanos += encoder.compressNanos;
            stats.socketNanos += encoder.writeNanos;
        }
    }
}
