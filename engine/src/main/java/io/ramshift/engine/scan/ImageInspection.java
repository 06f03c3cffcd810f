package io.ramshift.engine.scan;

/**
 * What {@link ImageInspector} found: pages per class, holes, runs by length, duplicates, LZ4 size and the
 * information floor (bytes that must travel: non-free, non-zero, unique pages, each LZ4-compressed or raw).
 */
public final class ImageInspection
{
    /** Run-length histogram buckets: bucket b holds runs of length in [2^b, 2^(b+1)). */
    public static final int BUCKETS = 40;

    /** Pages of the image. */
    public long pages;
    /** Bytes of the image. */
    public long imageBytes;
    /** Pages reported free. */
    public long freePages;
    /** Zero pages (holes included). */
    public long zeroPages;
    /** Data pages. */
    public long dataPages;
    /** Data pages whose content appeared earlier in the image. */
    public long duplicatePages;
    /** Bytes inside holes (from SEEK_DATA/SEEK_HOLE), or -1 when not looked up. */
    public long holeBytes = -1;
    /** Runs per class. */
    public final long[] runs = new long[3];
    /** Run-length histogram per class: {@code histogram[class][bucket]}. */
    public final long[][] histogram = new long[3][BUCKETS];
    /** LZ4 bytes of the unique data pages, each page compressed alone (raw size when it does not shrink). */
    public long lz4UniqueBytes;
    /** Raw bytes of the unique data pages. */
    public long rawUniqueBytes;
    /** Nanoseconds the inspection took. */
    public long nanos;

    /** @return bytes that must travel at least. */
    public long floorBytes()
    {
        return lz4UniqueBytes;
    }

    /** @return LZ4 ratio (raw / compressed) of the unique data pages. */
    public double lz4Ratio()
    {
        return lz4UniqueBytes == 0 ? 1.0 : (double)rawUniqueBytes / lz4UniqueBytes;
    }

    /**
     * @param length of a run.
     * @return its histogram bucket.
     */
    public static int bucket(final long length)
    {
        return Math.min(BUCKETS - 1, 63 - Long.numberOfLeadingZeros(length));
    }
}
