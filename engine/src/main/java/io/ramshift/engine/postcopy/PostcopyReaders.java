package io.ramshift.engine.postcopy;

import io.ramshift.engine.generate.SplitMix64;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * A synthetic guest on the destination: threads that read pages of a {@link PostcopyImage} during post-copy, in
 * uniformly random order or sequentially from a random start (wrapping), until the image is complete or a time
 * is up. Each read of a page that is not current counts as a demand fault in the image's figures. Each thread may
 * be paced to a rate of pages per second (it parks when ahead), so reads of pages already current do not take a
 * whole core from the receiver.
 */
public final class PostcopyReaders implements AutoCloseable
{
    /** The order pages are read in. */
    public enum Pattern
    {
        /** Uniformly random pages. */
        RANDOM,
        /** Pages in order from a random start, wrapping at the end. */
        SEQUENTIAL
    }

    /** Sees every page read (a test compares it with the source at the switch). */
    public interface PageCheck
    {
        /**
         * @param page  the page read.
         * @param bytes its 4096 bytes as the reader saw them.
         */
        void check(long page, UnsafeBuffer bytes);
    }

    private static final long MAX_BEHIND_NANOS = 1_000_000;

    private final PostcopyImage image;
    private final Pattern pattern;
    private final long readNanos;
    private final long readRate;
    private final long seed;
    private final PageCheck check;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stop;
    private volatile RuntimeException failure;

    /**
     * @param image     the destination's image.
     * @param pattern   random or sequential.
     * @param threads   reader threads.
     * @param readNanos how long to read, 0 for until the image is complete.
     * @param seed      seed of the page choice.
     * @param check     sees every page read, or null.
     */
    public PostcopyReaders(final PostcopyImage image, final Pattern pattern, final int threads, final long readNanos,
        final long seed, final PageCheck check)
    {
        this(image, pattern, threads, readNanos, 0, seed, check);
    }

    /**
     * @param image     the destination's image.
     * @param pattern   random or sequential.
     * @param threads   reader threads.
     * @param readNanos how long to read, 0 for until the image is complete.
     * @param readRate  pages per second each thread reads at most, 0 for unpaced.
     * @param seed      seed of the page choice.
     * @param check     sees every page read, or null.
     */
    public PostcopyReaders(final PostcopyImage image, final Pattern pattern, final int threads, final long readNanos,
        final long readRate, final long seed, final PageCheck check)
    {
        if (readRate < 0)
        {
            throw new IllegalArgumentException("read rate must not be negative: readRate=" + readRate);
        }
        this.image = image;
        this.pattern = pattern;
        this.readNanos = readNanos;
        this.readRate = readRate;
        this.seed = seed;
        this.check = check;
        for (int i = 0; i < threads; i++)
        {
            final int index = i;
            final Thread thread = new Thread(() -> read(index), "ramshift-postcopy-reader-" + i);
            thread.setDaemon(true);
            this.threads.add(thread);
        }
    }

    /**
     * Start the readers.
     *
     * @return this for a fluent API.
     */
    public PostcopyReaders start()
    {
        for (final Thread thread : threads)
        {
            thread.start();
        }
        return this;
    }

    private void read(final int index)
    {
        final UnsafeBuffer page = new UnsafeBuffer(BufferUtil.allocateDirectAligned(PAGE_SIZE, 64));
        final SplitMix64 random = new SplitMix64(seed + 0x9E3779B97F4A7C15L * (index + 1));
        final long pages = image.pageCount();
        final long start = System.nanoTime();
        long next = Long.remainderUnsigned(random.nextLong(), pages);
        final double nanosPerPage = readRate > 0 ? 1e9 / readRate : 0;
        long paceStart = start;
        long paced = 0;
        try
        {
            while (!stop && !image.isClosed())
            {
                if (readNanos > 0 ? System.nanoTime() - start >= readNanos : image.missingPages() == 0)
                {
                    return;
                }
                final long p;
                if (pattern == Pattern.RANDOM)
                {
                    p = Long.remainderUnsigned(random.nextLong(), pages);
                }
                else
                {
                    p = next;
                    next = next + 1 == pages ? 0 : next + 1;
                }
                image.readPage(p, page, 0);
                if (check != null)
                {
                    check.check(p, page);
                }
                if (readRate > 0)
                {
                    paced++;
                    final long now = System.nanoTime();
                    final long ahead = paceStart + (long)(paced * nanosPerPage) - now;
                    if (ahead > 0)
                    {
                        // park, not spin: a park shorter than the timer slack returns late, so reads come in bursts
                        LockSupport.parkNanos(ahead);
                    }
                    else if (ahead < -MAX_BEHIND_NANOS)
                    {
                        // after a long fault wait the reader goes on at its rate, not in a burst catching up
                        paceStart = now;
                        paced = 0;
                    }
                }
            }
        }
        catch (final RuntimeException ex)
        {
            // the session ended under a reader that still had time left: not a failure of the reads
            if (!image.isClosed())
            {
                failure = ex;
            }
        }
    }

    /** Wait until the readers finished on their own (time up or image complete). */
    public void join()
    {
        for (final Thread thread : threads)
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** @return the first failure a reader met (a page that never arrived), or null. */
    public RuntimeException failure()
    {
        return failure;
    }

    /** Stop the readers and wait for them. */
    public void close()
    {
        stop = true;
        join();
    }
}
