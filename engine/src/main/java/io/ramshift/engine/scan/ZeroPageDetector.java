package io.ramshift.engine.scan;

import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.image.PageViews;

import java.nio.ByteBuffer;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;

/**
 * Finds all-zero pages with the JDK's vectorised {@link ByteBuffer#mismatch} against a zero buffer, several pages
 * per call; one instance per thread (it keeps mutable views).
 */
public final class ZeroPageDetector
{
    /** Pages compared per call: long enough to amortise the call, short enough to stop early on data. */
    public static final int SPAN_PAGES = 16;

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(SPAN_PAGES << PAGE_SHIFT).asReadOnlyBuffer();

    private final ByteBuffer zeros = ZEROS.duplicate();
    private final PageViews views;

    /**
     * @param image to inspect.
     */
    public ZeroPageDetector(final MappedImage image)
    {
        this.views = new PageViews(image);
    }

    /**
     * Count the leading zero pages of a span that lies inside one mapping chunk.
     *
     * @param firstPage first page of the span.
     * @param pages     pages in the span, at most {@link #SPAN_PAGES}.
     * @return how many pages from {@code firstPage} on are all zero (== {@code pages} when all are).
     */
    public int zeroPrefix(final long firstPage, final int pages)
    {
        final ByteBuffer view = views.view(firstPage, pages);
        zeros.limit(pages << PAGE_SHIFT).position(0);
        final int mismatch = view.mismatch(zeros);
        return mismatch < 0 ? pages : mismatch >>> PAGE_SHIFT;
    }

    /**
     * @param page index of the page.
     * @return true when every byte of the page is zero.
     */
    public boolean isZero(final long page)
    {
        return zeroPrefix(page, 1) == 1;
    }
}
