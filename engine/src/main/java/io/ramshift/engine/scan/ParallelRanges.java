package io.ramshift.engine.scan;

import io.ramshift.engine.RamshiftException;

/**
 * Splits a page range into one contiguous slice per worker (aligned to 512 pages) and runs the workers on their
 * own threads, the first on the caller, joining all of them.
 */
public final class ParallelRanges
{
    /** Alignment of slice boundaries in pages (keeps bitmap words and 2 MiB units whole). */
    public static final long ALIGN_PAGES = 512;

    private ParallelRanges()
    {
    }

    /**
     * @param pages   pages in the whole range.
     * @param workers number of slices.
     * @param index   slice index.
     * @return first page of the slice.
     */
    public static long sliceStart(final long pages, final int workers, final int index)
    {
        if (index == 0)
        {
            return 0;
        }
        if (index >= workers)
        {
            return pages;
        }
        return Math.min(pages, (pages * index / workers) & ~(ALIGN_PAGES - 1));
    }

    /**
     * Run workers, the first on the calling thread, the rest on threads named {@code name-i}; rethrows the first
     * failure after every worker has ended.
     *
     * @param name    thread name prefix (starts with "ramshift-").
     * @param workers the work, one slice each.
     */
    public static void run(final String name, final Runnable[] workers)
    {
        final Thread[] threads = new Thread[workers.length];
        final Throwable[] failures = new Throwable[workers.length];
        for (int i = 1; i < workers.length; i++)
        {
            final int index = i;
            threads[i] = new Thread(() -> runCatching(workers[index], failures, index), name + "-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
        runCatching(workers[0], failures, 0);
        try
        {
            for (int i = 1; i < workers.length; i++)
            {
                threads[i].join();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RamshiftException("interrupted while waiting for " + name + " workers", ex);
        }
        for (final Throwable failure : failures)
        {
            if (failure instanceof RuntimeException)
            {
                throw (RuntimeException)failure;
            }
            if (failure instanceof Error)
            {
                throw (Error)failure;
            }
        }
    }

    private static void runCatching(final Runnable worker, final Throwable[] failures, final int index)
    {
        try
        {
            worker.run();
        }
        catch (final RuntimeException | Error ex)
        {
            failures[index] = ex;
        }
    }
}
