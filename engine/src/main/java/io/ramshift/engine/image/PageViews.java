package io.ramshift.engine.image;

import java.nio.ByteBuffer;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;

/**
 * Reusable {@link ByteBuffer} views of a mapped image, one duplicate per mapping chunk made on first use, so
 * vectorised JDK operations ({@code mismatch}, LZ4 on buffers) can address any span of pages without allocating
 * per page. One instance per thread: a returned view stays valid until the next call for the same chunk.
 */
public final class PageViews
{
    private final MappedImage image;
    private final ByteBuffer[] views;

    /**
     * @param image the mapped image.
     */
    public PageViews(final MappedImage image)
    {
        this.image = image;
        this.views = new ByteBuffer[image.chunkCount()];
    }

    /**
     * A view whose position..limit covers {@code pages} pages from {@code firstPage}, which must lie in one
     * mapping chunk.
     *
     * @param firstPage first page.
     * @param pages     pages in the span.
     * @return the positioned view.
     */
    public ByteBuffer view(final long firstPage, final int pages)
    {
        final long offset = firstPage << PAGE_SHIFT;
        final int chunk = image.chunkIndex(offset);
        ByteBuffer view = views[chunk];
        if (view == null)
        {
            view = image.chunkByteBuffer(chunk).duplicate();
            views[chunk] = view;
        }
        final int start = image.chunkOffset(offset);
        view.limit(start + (pages << PAGE_SHIFT)).position(start);
        return view;
    }
}
