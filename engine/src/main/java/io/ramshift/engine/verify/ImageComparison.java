package io.ramshift.engine.verify;

import org.agrona.collections.LongArrayList;

/**
 * Outcome of comparing two images page by page: pages compared, pages skipped as free, differing pages and the
 * first few of them in ascending order.
 */
public final class ImageComparison
{
    /** How many differing pages are kept by index. */
    public static final int MAX_LISTED = 16;

    private final long pageCount;
    private final long freePages;
    private final long comparedPages;
    private final long differingPages;
    private final LongArrayList firstDiffering;
    private final long nanos;

    ImageComparison(final long pageCount, final long freePages, final long comparedPages, final long differingPages,
        final LongArrayList firstDiffering, final long nanos)
    {
        this.pageCount = pageCount;
        this.freePages = freePages;
        this.comparedPages = comparedPages;
        this.differingPages = differingPages;
        this.firstDiffering = firstDiffering;
        this.nanos = nanos;
    }

    /** @return pages of each image. */
    public long pageCount()
    {
        return pageCount;
    }

    /** @return pages skipped because the bitmap reports them free. */
    public long freePages()
    {
        return freePages;
    }

    /** @return pages whose bytes were compared or known equal (holes on both sides). */
    public long comparedPages()
    {
        return comparedPages;
    }

    /** @return pages that differ. */
    public long differingPages()
    {
        return differingPages;
    }

    /** @return true when no non-free page differs. */
    public boolean identical()
    {
        return differingPages == 0;
    }

    /** @return the first differing pages in ascending order, at most {@link #MAX_LISTED}. */
    public LongArrayList firstDiffering()
    {
        return firstDiffering;
    }

    /** @return nanoseconds the comparison took. */
    public long nanos()
    {
        return nanos;
    }
}
