package io.ramshift.engine.scan;

import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.transfer.ImageDigest;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;

/**
 * Calls {@link #onPage(long, long)} with the xxh3 of every page of a slice of an image, in order; pages in holes
 * are given the zero-page hash without being read, pages in data extents are read only when {@link #wants(long)}.
 */
public abstract class PageHashWalker implements Runnable
{
    /** The image walked. */
    protected final MappedImage image;
    private final DataExtents extents;
    private final long fromPage;
    private final long toPage;

    /**
     * @param image    the image.
     * @param extents  its allocated ranges.
     * @param fromPage first page of the slice.
     * @param toPage   page after the slice.
     */
    protected PageHashWalker(final MappedImage image, final DataExtents extents, final long fromPage,
        final long toPage)
    {
        this.image = image;
        this.extents = extents;
        this.fromPage = fromPage;
        this.toPage = toPage;
    }

    /** Walk the slice. */
    public void run()
    {
        int extent = extents.firstEndingAfter(fromPage << PAGE_SHIFT);
        long page = fromPage;
        while (page < toPage)
        {
            final long dataStart = extent < extents.count() ? extents.start(extent) >>> PAGE_SHIFT : toPage;
            final long holeEnd = Math.min(toPage, Math.max(page, dataStart));
            for (; page < holeEnd; page++)
            {
                onPage(page, ImageDigest.ZERO_PAGE_HASH);
            }
            if (page >= toPage)
            {
                break;
            }
            final long dataEnd = Math.min(toPage, extents.end(extent) >>> PAGE_SHIFT);
            for (; page < dataEnd; page++)
            {
                if (wants(page))
                {
                    onPage(page, ImageDigest.pageHash(image.pageAddress(page)));
                }
            }
            extent++;
        }
    }

    /**
     * @param page a page in a data extent.
     * @return false to skip reading it.
     */
    protected boolean wants(final long page)
    {
        return true;
    }

    /**
     * @param page index of the page.
     * @param hash xxh3 of its bytes.
     */
    protected abstract void onPage(long page, long hash);
}
