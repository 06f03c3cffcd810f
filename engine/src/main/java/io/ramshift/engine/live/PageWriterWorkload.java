package io.ramshift.engine.live;

import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.image.MappedImage;

import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * A guest stand-in that keeps writing pages at a set rate while it is migrated: each write stamps a page of
 * the hot set with (page, version) in every 8-byte word, so any copy can be checked page by page. Writes go
 * through {@link GuestMemory} (marked in a dirty bitmap) or straight into a mapping (an external writer only a
 * hash rescan can see). Halves its rate when asked to slow down (auto-converge).
 */
public final class PageWriterWorkload implements Runnable, LiveRounds.AutoConverge
{
    private final GuestMemory memory;
    private final MappedImage direct;
    private final long firstPage;
    private final long hotPages;
    private final long seed;
    private final Thread thread;
    private volatile double pagesPerSecond;
    private volatile boolean running = true;
    private volatile long pagesWritten;

    /**
     * @param memory         guest memory to write through (marks dirty pages), or null.
     * @param direct         writable mapping written without marking (external writer), or null.
     * @param firstPage      first page of the hot set.
     * @param hotPages       pages in the hot set.
     * @param pagesPerSecond write rate.
     * @param seed           chooses the pages.
     */
    public PageWriterWorkload(final GuestMemory memory, final MappedImage direct, final long firstPage,
        final long hotPages, final double pagesPerSecond, final long seed)
    {
        this.memory = memory;
        this.direct = direct;
        this.firstPage = firstPage;
        this.hotPages = hotPages;
        this.pagesPerSecond = pagesPerSecond;
        this.seed = seed;
        this.thread = new Thread(this, "ramshift-workload");
        this.thread.setDaemon(true);
    }

    /** Start writing. */
    public void start()
    {
        thread.start();
    }

    /** Stop writing and wait until the last write has landed (a stop hook). */
    public void stop()
    {
        running = false;
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RamshiftException("interrupted while stopping the workload", ex);
        }
    }

    /** @return pages written so far. */
    public long pagesWritten()
    {
        return pagesWritten;
    }

    /** @return the current write rate in pages per second. */
    public double pagesPerSecond()
    {
        return pagesPerSecond;
    }

    /**
     * Halve the write rate.
     */
    public void slowDown(final int round, final long dirtyPages, final long previousPages)
    {
        pagesPerSecond = pagesPerSecond / 2;
    }

    /**
     * Write pages of the hot set at the set rate until stopped.
     */
    public void run()
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long start = System.nanoTime();
        long version = 0;
        double credit = 0;
        long last = start;
        while (running)
        {
            final long now = System.nanoTime();
            credit += (now - last) * pagesPerSecond / 1e9;
            last = now;
            if (credit < 1)
            {
                LockSupport.parkNanos(Math.max(50_000L, (long)((1 - credit) * 1e9 / Math.max(pagesPerSecond, 1))));
                continue;
            }
            while (credit >= 1 && running)
            {
                credit -= 1;
                writePage(firstPage + random.nextLong(hotPages), ++version);
            }
        }
    }

    private void writePage(final long page, final long version)
    {
        final long offset = page * PAGE_SIZE;
        final long stamp = (page << 32) ^ version;
        for (int word = 0; word < PAGE_SIZE; word += 8)
        {
            final long value = stamp + word;
            if (memory != null)
            {
                memory.putLong(offset + word, value);
            }
            else
            {
                direct.chunkBuffer(direct.chunkIndex(offset)).putLongVolatile(direct.chunkOffset(offset) + word, value);
            }
        }
        pagesWritten++;
    }
}
