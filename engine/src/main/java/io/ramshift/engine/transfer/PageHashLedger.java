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
    /** Most pages a ledger covers: its hashes are addressed with an int byte offset. */
    public static final long MAX_PAGES = Integer.MAX_VALUE / 8;

    private final long pageCount;
    private final UnsafeBuffer hashes;
    private final AtomicPageBitmap recorded;
    private final boolean complete;

    /**
     * @param pageCount pages of the image.
     */
    public PageHashLedger(final long pageCount)
    {
        this(pageCount, false);
    }

    /**
     * @param pageCount pages of the image.
     * @param complete  every page has a hash (a delta baseline filled by {@link #preset}): no per-page marks.
     */
    public PageHashLedger(final long pageCount, final boolean complete)
    {
        if (pageCount > MAX_PAGES)
        {
            throw new IllegalArgumentException("image too large for a page hash ledger: pages=" + pageCount);
        }
        this.pageCount = pageCount;
        this.hashes = new UnsafeBuffer(BufferUtil.allocateDirectAligned((int)Math.max(8, pageCount * 8), 64));
        this.recorded = new AtomicPageBitmap(pageCount);
        this.complete = complete;
        if (complete)
        {
            recorded.setRange(0, pageCount);
        }
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
     * Set a page's hash as the baseline (a delta session: what the destination already holds), without counting
     * a digest change.
     *
     * @param page index of the page.
     * @param hash xxh3 of its bytes.
     */
    public void preset(final long page, final long hash)
    {
        hashes.putLong((int)(page << 3), hash);
        if (!complete)
        {
            recorded.set(page);
        }
    }

    /**
     * @return native address of the hashes, one u64 per page in page order (for a bulk fill of a complete ledger).
     */
    public long hashesAddress()
    {
        return hashes.addressOffset();
    }

    /**
     * @return the image digest of the recorded pages: the sum of their terms.
     */
    public long digest()
    {
        return digestExcept(null);
    }

    /**
     * @param excluded pages to leave out (e.g. those a session received), or null.
     * @return the sum of the terms of the recorded pages not in {@code excluded}.
     */
    public long digestExcept(final AtomicPageBitmap excluded)
    {
        long sum = 0;
        for (long page = 0; page < pageCount; page++)
        {
            if ((complete || recorded.isSet(page)) && (excluded == null || !excluded.isSet(page)))
            {
                sum += ImageDigest.term(page, hashes.getLong((int)(page << 3)));
            }
        }
        return sum;
    }

    /**
     * @param chunk      index of a chunk of {@code chunkPages} pages.
     * @param chunkPages pages per chunk.
     * @return xxh3 over the chunk's page hashes as little-endian u64s (a shorter last chunk: its pages only).
     */
    public long chunkHash(final long chunk, final int chunkPages)
    {
        final long first = chunk * chunkPages;
        final long pages = Math.min(chunkPages, pageCount - first);
        return ImageDigest.bytesHash(hashes.addressOffset() + (first << 3), pages << 3);
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
