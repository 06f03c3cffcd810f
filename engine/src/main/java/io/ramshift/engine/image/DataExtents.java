package io.ramshift.engine.image;

import org.agrona.collections.LongArrayList;

import java.nio.file.Path;
import java.util.Arrays;

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
        if (!SparseFile.loaded() && allocatedBytes(path) >= size)
        {
            // fully allocated: no holes to find, so skip loading the native binding (~0.2 s); once it is loaded,
            // SEEK_DATA costs less than starting stat
            return whole(size);
        }
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
     * Bytes the file system has allocated for a file ({@code st_blocks * 512}), read with coreutils' {@code stat}
     * because Java exposes no block count; a few milliseconds against ~0.2 s for loading the native binding.
     *
     * @param path of the file.
     * @return allocated bytes, or -1 when unknown.
     */
    public static long allocatedBytes(final Path path)
    {
        try
        {
            final Process process = new ProcessBuilder("stat", "--format=%b %B", "--", path.toString())
                .redirectErrorStream(true).start();
            final String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                .trim();
            if (process.waitFor() != 0)
            {
                return -1;
            }
            final int space = out.indexOf(' ');
            return Long.parseLong(out.substring(0, space)) * Long.parseLong(out.substring(space + 1));
        }
        catch (final java.io.IOException | RuntimeException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
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

    /**
     * Extents from arbitrary byte ranges: each widened to whole pages and clipped to {@code [0, size)}, then sorted
     * and merged where they overlap or touch.
     *
     * @param starts first byte of each range.
     * @param ends   one past the last byte of each range.
     * @param count  ranges to take from the arrays.
     * @param size   bytes of the file or image the ranges belong to.
     * @return the normalised extents.
     */
    public static DataExtents ofRanges(final long[] starts, final long[] ends, final int count, final long size)
    {
        final long[] s = new long[count];
        final long[] e = new long[count];
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            final long start = Math.max(0, pageFloor(starts[i]));
            final long end = Math.min(size, pageCeil(ends[i]));
            if (start < end)
            {
                s[n] = start;
                e[n] = end;
                n++;
            }
        }
        // the union only needs the starts and the ends each in order: sort them apart, no pairs, no boxing
        Arrays.sort(s, 0, n);
        Arrays.sort(e, 0, n);
        final LongArrayList bounds = new LongArrayList();
        int open = 0;
        for (int i = 0, j = 0; i < n || j < n; )
        {
            if (i < n && s[i] <= e[j])
            {
                if (open++ == 0)
                {
                    appendRange(bounds, s[i], e[j]);
                }
                i++;
            }
            else
            {
                if (--open == 0)
                {
                    bounds.setLong(bounds.size() - 1, e[j]);
                }
                j++;
            }
        }
        return new DataExtents(bounds, size);
    }

    /**
     * The same extents seen from an image that starts {@code delta} bytes into this file: every extent moves down
     * by {@code delta}, is clipped to {@code [0, newSize)} and widened to whole pages of the image (an unaligned
     * delta makes one file page touch two image pages).
     *
     * @param delta   file offset of the image's byte 0.
     * @param newSize bytes of the image.
     * @return extents in image offsets.
     */
    public DataExtents shift(final long delta, final long newSize)
    {
        final LongArrayList shifted = new LongArrayList();
        for (int i = 0, n = count(); i < n; i++)
        {
            final long start = Math.max(0, pageFloor(Math.max(0, start(i) - delta)));
            final long end = Math.min(newSize, pageCeil(end(i) - delta));
            if (start < end)
            {
                appendRange(shifted, start, end);
            }
        }
        return new DataExtents(shifted, newSize);
    }

    /**
     * The ranges inside both these extents and another's (both of the same file or image).
     *
     * @param other extents to intersect with.
     * @return the intersection, of this size.
     */
    public DataExtents intersect(final DataExtents other)
    {
        final LongArrayList common = new LongArrayList();
        int i = 0;
        int j = 0;
        final int n = count();
        final int m = other.count();
        while (i < n && j < m)
        {
            final long start = Math.max(start(i), other.start(j));
            final long end = Math.min(Math.min(end(i), other.end(j)), size);
            if (start < end)
            {
                appendRange(common, start, end);
            }
            if (end(i) < other.end(j))
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return new DataExtents(common, size);
    }

    private static void appendRange(final LongArrayList bounds, final long start, final long end)
    {
        final int n = bounds.size();
        if (n > 0 && bounds.getLong(n - 1) >= start)
        {
            bounds.setLong(n - 1, Math.max(end, bounds.getLong(n - 1)));
        }
        else
        {
            bounds.addLong(start);
            bounds.addLong(end);
        }
    }

    private static long pageFloor(final long offset)
    {
        return offset & ~(MappedImage.PAGE_SIZE - 1L);
    }

    private static long pageCeil(final long offset)
    {
        return (offset + MappedImage.PAGE_SIZE - 1) & ~(MappedImage.PAGE_SIZE - 1L);
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
