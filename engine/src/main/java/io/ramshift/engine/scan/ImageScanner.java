package io.ramshift.engine.scan;

import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;

/**
 * Classifies the pages of an image into coalesced runs of free, zero and data pages.
 * <p>
 * Free pages come from the bitmap a 64-bit word at a time and are never read; holes (from {@link DataExtents})
 * are zero without being read; everything else is checked with {@link ZeroPageDetector}. Contiguous pages of a
 * class are merged before they reach the {@link RunConsumer}. Allocation-free per page; one instance per thread.
 */
public final class ImageScanner
{
    private final MappedImage image;
    private final FreePageBitmap bitmap;
    private final DataExtents extents;
    private final ZeroPageDetector detector;

    private RunConsumer consumer;
    private int pendingClass = -1;
    private long pendingFirst;
    private long pendingCount;

    /**
     * @param image   to scan.
     * @param bitmap  free-page report, or null when every page is in use.
     * @param extents allocated ranges of the image file ({@link DataExtents#whole(long)} when unknown).
     */
    public ImageScanner(final MappedImage image, final FreePageBitmap bitmap, final DataExtents extents)
    {
        if (bitmap != null && bitmap.pageCount() != image.pageCount())
        {
            throw new IllegalStateException("bitmap pages=" + bitmap.pageCount() + " image pages=" + image.pageCount());
        }
        this.image = image;
        this.bitmap = bitmap;
        this.extents = extents;
        this.detector = new ZeroPageDetector(image);
    }

    /**
     * Scan pages {@code [fromPage, toPage)} and deliver their runs in order.
     *
     * @param fromPage first page.
     * @param toPage   one past the last page.
     * @param consumer receives the runs.
     */
    public void scan(final long fromPage, final long toPage, final RunConsumer consumer)
    {
        if (fromPage < 0 || toPage > image.pageCount() || fromPage > toPage)
        {
            throw new IllegalArgumentException(
                "scan range outside image: from=" + fromPage + " to=" + toPage + " pages=" + image.pageCount());
        }
        this.consumer = consumer;
        long page = fromPage;
        while (page < toPage)
        {
            long usedEnd = toPage;
            if (bitmap != null)
            {
                final long freeEnd = runEnd(page, toPage, true);
                if (freeEnd > page)
                {
                    emit(PageClass.FREE, page, freeEnd - page);
                    page = freeEnd;
                    continue;
                }
                usedEnd = runEnd(page, toPage, false);
            }
            classifyUsed(page, usedEnd);
            page = usedEnd;
        }
        flush();
        this.consumer = null;
    }

    /**
     * End of the run of pages whose free bit equals {@code free}, starting at {@code page}: whole words are skipped
     * with one comparison, partial words with {@link Long#numberOfTrailingZeros(long)}.
     */
    private long runEnd(final long page, final long limit, final boolean free)
    {
        long p = page;
        while (p < limit)
        {
            final int bit = (int)(p & 63);
            final long raw = bitmap.word((int)(p >>> 6));
            final long word = (free ? ~raw : raw) >>> bit;
            final int bitsLeft = 64 - bit;
            final int same = Math.min(Long.numberOfTrailingZeros(word), bitsLeft);
            p += same;
            if (same < bitsLeft)
            {
                break;
            }
        }
        return Math.min(p, limit);
    }

    private void classifyUsed(final long fromPage, final long toPage)
    {
        long page = fromPage;
        int extent = extents.firstEndingAfter(page << PAGE_SHIFT);
        final int extentCount = extents.count();
        while (page < toPage)
        {
            final long offset = page << PAGE_SHIFT;
            while (extent < extentCount && extents.end(extent) <= offset)
            {
                extent++;
            }
            if (extent == extentCount)
            {
                emit(PageClass.ZERO, page, toPage - page);
                return;
            }
            final long dataStartPage = extents.start(extent) >>> PAGE_SHIFT;
            if (dataStartPage > page)
            {
                final long holeEnd = Math.min(toPage, dataStartPage);
                emit(PageClass.ZERO, page, holeEnd - page);
                page = holeEnd;
                continue;
            }
            final long segmentEnd = Math.min(
                Math.min(toPage, extents.end(extent) >>> PAGE_SHIFT), image.nextChunkPage(page));
            classifyMapped(page, segmentEnd);
            page = segmentEnd;
        }
    }

    private void classifyMapped(final long fromPage, final long toPage)
    {
        long page = fromPage;
        while (page < toPage)
        {
            final int span = (int)Math.min(toPage - page, ZeroPageDetector.SPAN_PAGES);
            final int zeros = detector.zeroPrefix(page, span);
            if (zeros > 0)
            {
                emit(PageClass.ZERO, page, zeros);
                page += zeros;
            }
            if (zeros < span)
            {
                emit(PageClass.DATA, page, 1);
                page++;
            }
        }
    }

    private void emit(final int pageClass, final long firstPage, final long pageCount)
    {
        if (pageClass == pendingClass && firstPage == pendingFirst + pendingCount)
        {
            pendingCount += pageCount;
            return;
        }
        flush();
        pendingClass = pageClass;
        pendingFirst = firstPage;
        pendingCount = pageCount;
    }

    private void flush()
    {
        if (pendingClass >= 0)
        {
            consumer.onRun(pendingClass, pendingFirst, pendingCount);
            pendingClass = -1;
        }
    }
}
