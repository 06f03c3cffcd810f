package io.ramshift.engine.transfer;

import io.ramshift.engine.image.AtomicPageBitmap;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The xxh3 of the content last sent (or written) for every page of a live session, off-heap at 8 bytes a page:
 * lets the image digest replace a re-sent page's term instead of adding it twice, and gives hash-based dirty
 * detection its baseline. One writer thread per page range.
 */
public final class PageHashLedger
{
    private final long pageCount;
    private final UnsafeBuffer hashes;
    private final AtomicPageBitmap recorded;

    /**
     * @param pageCount pages of the image.
     */
    public PageHashLedger(final long pageCount)
    {
        if (pageCount > Integer.MAX_VALUE / 8)
        {
            throw new IllegalArgumentException("image too large for a page hash ledger: pages=" + pageCount);
        }
        this.pageCount = pageCount;
        this.hashes = new UnsafeBuffer(BufferUtil.allocateDirectAligned((int)Math.max(8, pageCount * 8), 64));
        this.recorded = new AtomicPageBitmap(pageCount);
    }

    /** @return pages covered. */
    public long pageCount()
    {
        return pageCount;
    }

    /**
     * Record the hash of a page's new content.
     *
     * @param page index of the page.
     * @param hash xxh3 of its bytes.
     * @return the change of the image digest: the new term, minus the page's previous term if it had one.
     */
    public long record(final long page, final long hash)
    {
        final int offset = (int)(page << 3);
        long delta = ImageDigest.term(page, hash);
        if (recorded.isSet(page))
        {
            delta -= ImageDigest.term(page, hashes.getLong(offset));
        }
        else
        {
            recorded.set(page);
        }
        hashes.putLong(offset, hash);
        return delta;
    }

    /**
     * @param page index of the page.
     * @return true when a hash was recorded for it.
     */
    public boolean isRecorded(final long page)
    {
        return recorded.isSet(page);
    }

    /**
     * @param page index of a recorded page.
     * @return the hash recorded last.
     */
    public long hash(final long page)
    {
        return hashes.getLong((int)(page << 3));
    }
}
