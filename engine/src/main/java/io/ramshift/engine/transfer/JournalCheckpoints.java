package io.ramshift.engine.transfer;

import io.ramshift.engine.image.AtomicPageBitmap;
import io.ramshift.engine.image.DestinationFile;

import java.util.concurrent.locks.LockSupport;

/**
 * The receiver's checkpoints of a resumable session, on their own thread (never in the per-page loop): every
 * {@code bytes} written or {@code intervalNanos}, whichever comes first, it copies the bitmap of pages received
 * (each written before its bit was set), fsyncs the destination, and only then sets those pages in the journal and
 * forces it — a page is never marked durable before its data is.
 */
final class JournalCheckpoints implements Runnable
{
    /** Bytes received between two checkpoints at most. */
    static final long DEFAULT_BYTES = 256L << 20;
    /** Time between two checkpoints at most. */
    static final long DEFAULT_INTERVAL_NANOS = 1_000_000_000L;
    private static final long POLL_NANOS = 5_000_000L;

    private final TransferJournal journal;
    private final DestinationFile file;
    private final AtomicPageBitmap received;
    private final long bytes;
    private final long intervalNanos;
    private final long[] snapshot;
    private volatile boolean stopped;
    private Thread thread;
    private volatile RuntimeException failure;
    private long checkpoints;

    JournalCheckpoints(final TransferJournal journal, final DestinationFile file, final AtomicPageBitmap received,
        final long bytes, final long intervalNanos)
    {
        this.journal = journal;
        this.file = file;
        this.received = received;
        this.bytes = bytes > 0 ? bytes : DEFAULT_BYTES;
        this.intervalNanos = intervalNanos > 0 ? intervalNanos : DEFAULT_INTERVAL_NANOS;
        this.snapshot = new long[received.wordCount()];
    }

    JournalCheckpoints start()
    {
        thread = new Thread(this, "ramshift-journal");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    public void run()
    {
        long lastBytes = file.bytesWritten();
        long lastNanos = System.nanoTime();
        try
        {
            while (!stopped)
            {
                LockSupport.parkNanos(Math.min(POLL_NANOS, intervalNanos));
                final long written = file.bytesWritten();
                final long now = System.nanoTime();
                if (written - lastBytes >= bytes || now - lastNanos >= intervalNanos)
                {
                    checkpoint();
                    lastBytes = written;
                    lastNanos = now;
                }
            }
        }
        catch (final RuntimeException ex)
        {
            // a failed checkpoint marks nothing; the session itself fails on its own sync
            failure = ex;
        }
    }

    /**
     * One checkpoint: copy the received bitmap, fsync the destination, then mark the copied pages durable.
     */
    synchronized void checkpoint()
    {
        for (int i = 0; i < snapshot.length; i++)
        {
            snapshot[i] = received.word(i);
        }
        file.sync();
        journal.checkpoint(snapshot);
        checkpoints++;
    }

    /**
     * Stop the thread and wait for it.
     *
     * @return checkpoints taken.
     */
    long stop()
    {
        stopped = true;
        if (thread != null)
        {
            LockSupport.unpark(thread);
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        return checkpoints;
    }

    /** @return why the thread stopped early, or null. */
    RuntimeException failure()
    {
        return failure;
    }
}
