package io.ramshift.engine.image;

import org.agrona.collections.LongArrayList;

import java.nio.file.Path;

/**
 * The allocated (non-hole) byte ranges of a file, page aligned, found once with SEEK_DATA/SEEK_HOLE so scanners
 * treat holes as zero pages without touching them (reading a hole through mmap fills the page cache with zeros).
 */
public final class DataExtents
{
    private final LongArrayList bounds;
    private final long size;

    private DataExtents(final LongArrayList bounds, final long size)
    {
        this.bounds = bounds;
        this.size = size;
    }

    /**
     * Find the data extents of a file.
     *
     * @param path of the file.
     * @param size bytes of the file.
     * @return its extents, widened to whole pages.
     */
    public static DataExtents of(final Path path, final long size)
    {
        final LongArrayList bounds = new LongArrayList();
        try (SparseFile file = SparseFile.open(path, false))
        {
            long offset = 0;
            while (offset < size)
            {
                final long data = file.nextData(offset);
                if (data < 0 || data >= size)
                {
                    break;
                }
                long hole = file.nextHole(data);
                if (hole < 0 || hole > size)
                {
                    hole = size;
                }
                final long start = data & ~(MappedImage.PAGE_SIZE - 1L);
                final long end = Math.min(size, (hole + MappedImage.PAGE_SIZE - 1) & ~(MappedImage.PAGE_SIZE - 1L));
                final int n = bounds.size();
                if (n > 0 && bounds.getLong(n - 1) >= start)
                {
                    bounds.setLong(n - 1, end);
                }
                else
                {
                    bounds.addLong(start);
                    bounds.addLong(end);
                }
                offset = hole;
            }
        }
        return new DataExtents(bounds, size);
    }

    /**
     * Start finding the extents of a file on a thread of its own, so the ~0.2 s the native binding takes to load
     * overlaps with other start-up work (handshake, mapping).
     *
     * @param path of the file.
     * @param size bytes of the file.
     * @return the pending lookup; {@link Lookup#join()} returns the extents.
     */
    public static Lookup lookUp(final Path path, final long size)
    {
        final Lookup lookup = new Lookup(path, size);
        lookup.thread.start();
        return lookup;
    }

    /**
     * A lookup of extents running on its own thread.
     */
    public static final class Lookup implements Runnable
    {
        private final Path path;
        private final long size;
        private final Thread thread;
        private volatile DataExtents extents;
        private volatile RuntimeException failure;

        private Lookup(final Path path, final long size)
        {
            this.path = path;
            this.size = size;
            this.thread = new Thread(this, "ramshift-extents");
            this.thread.setDaemon(true);
        }

        /**
         * Find the extents (runs on the lookup thread).
         */
        public void run()
        {
            try
            {
                extents = of(path, size);
            }
            catch (final RuntimeException ex)
            {
                failure = ex;
            }
        }

        /**
         * Wait for the lookup.
         *
         * @return the extents.
         */
        public DataExtents join()
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new io.ramshift.engine.RamshiftException("interrupted while looking up holes of " + path, ex);
            }
            if (failure != null)
            {
                throw failure;
            }
            return extents;
        }
    }

    /**
     * Extents of a file with no holes (used when hole detection is not wanted).
     *
     * @param size bytes of the file.
     * @return one extent covering the file.
     */
    public static DataExtents whole(final long size)
    {
        final LongArrayList bounds = new LongArrayList();
        bounds.addLong(0);
        bounds.addLong(size);
        return new DataExtents(bounds, size);
    }

    /** @return number of extents. */
    public int count()
    {
        return bounds.size() >> 1;
    }

    /**
     * @param index of the extent.
     * @return its first byte.
     */
    public long start(final int index)
    {
        return bounds.getLong(index << 1);
    }

    /**
     * @param index of the extent.
     * @return one past its last byte.
     */
    public long end(final int index)
    {
        return bounds.getLong((index << 1) + 1);
    }

    /** @return bytes inside extents (allocated, page granular). */
    public long dataBytes()
    {
        long total = 0;
        for (int i = 0, n = count(); i < n; i++)
        {
            total += end(i) - start(i);
        }
        return total;
    }

    /** @return bytes of the file. */
    public long size()
    {
        return size;
    }

    /**
     * Index of the first extent ending after an offset (binary search).
     *
     * @param offset in the file.
     * @return index of that extent, or {@link #count()} when none.
     */
    public int firstEndingAfter(final long offset)
    {
        int low = 0;
        int high = count();
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (end(mid) <= offset)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }
}
