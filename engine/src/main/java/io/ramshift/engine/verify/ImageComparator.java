package io.ramshift.engine.verify;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.image.PageViews;
import io.ramshift.engine.scan.ParallelRanges;
import io.ramshift.engine.scan.ZeroPageDetector;
import org.agrona.collections.LongArrayList;

import java.nio.ByteBuffer;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;

/**
 * Compares two mapped images of the same size page by page, skipping free pages and ranges that are holes in
 * both files, with the JDK's vectorised mismatch on spans of pages; the page range is split across threads.
 */
public final class ImageComparator
{
    private final int threads;

    /**
     * @param threads worker threads (1 runs on the caller).
     */
    public ImageComparator(final int threads)
    {
        this.threads = Math.max(1, threads);
    }

    /**
     * Compare two images.
     *
     * @param a       first image.
     * @param b       second image, same size.
     * @param bitmap  free pages to skip, or null.
     * @param extentsA allocated ranges of {@code a}.
     * @param extentsB allocated ranges of {@code b}.
     * @return the comparison.
     */
    public ImageComparison compare(final MappedImage a, final MappedImage b, final FreePageBitmap bitmap,
        final DataExtents extentsA, final DataExtents extentsB)
    {
        if (a.size() != b.size())
        {
            throw new ImageException("images differ in size: " + a.path() + " size=" + a.size() + ", " + b.path() +
                " size=" + b.size());
        }
        if (a.chunkSize() != b.chunkSize())
        {
            throw new IllegalArgumentException("mapping chunk sizes differ: " + a.chunkSize() + " " + b.chunkSize());
        }
        final long start = System.nanoTime();
        final long pages = a.pageCount();
        final RangeComparer[] workers = new RangeComparer[threads];
        for (int i = 0; i < threads; i++)
        {
            workers[i] = new RangeComparer(a, b, bitmap, extentsA, extentsB,
                ParallelRanges.sliceStart(pages, threads, i), ParallelRanges.sliceStart(pages, threads, i + 1));
        }
        ParallelRanges.run("ramshift-verify", workers);
        long free = 0;
        long compared = 0;
        long differing = 0;
        final LongArrayList first = new LongArrayList();
        for (final RangeComparer worker : workers)
        {
            if (worker.failure != null)
            {
                throw new ImageException("image changed while compared (truncated?): " + a.path() + ", " + b.path() +
                    ": " + worker.failure.getMessage(), worker.failure);
            }
            free += worker.free;
            compared += worker.compared;
            differing += worker.differing;
            for (int i = 0; i < worker.first.size() && first.size() < ImageComparison.MAX_LISTED; i++)
            {
                first.addLong(worker.first.getLong(i));
            }
        }
        return new ImageComparison(pages, free, compared, differing, first, System.nanoTime() - start);
    }

    private static final class RangeComparer implements Runnable
    {
        private final MappedImage a;
        private final MappedImage b;
        private final FreePageBitmap bitmap;
        private final DataExtents extentsA;
        private final DataExtents extentsB;
        private final long fromPage;
        private final long toPage;
        private final PageViews viewsA;
        private final PageViews viewsB;
        private final ByteBuffer zeros = ByteBuffer.allocateDirect(ZeroPageDetector.SPAN_PAGES << PAGE_SHIFT);
        private final LongArrayList first = new LongArrayList();
        private long free;
        private long compared;
        private long differing;
        private Throwable failure;

        RangeComparer(final MappedImage a, final MappedImage b, final FreePageBitmap bitmap,
            final DataExtents extentsA, final DataExtents extentsB, final long fromPage, final long toPage)
        {
            this.a = a;
            this.b = b;
            this.bitmap = bitmap;
            this.extentsA = extentsA;
            this.extentsB = extentsB;
            this.fromPage = fromPage;
            this.toPage = toPage;
            this.viewsA = new PageViews(a);
            this.viewsB = new PageViews(b);
        }

        public void run()
        {
            try
            {
                compareRange();
            }
            catch (final InternalError | RuntimeException ex)
            {
                failure = ex;
            }
        }

        private void compareRange()
        {
            int ia = extentsA.firstEndingAfter(fromPage << PAGE_SHIFT);
            int ib = extentsB.firstEndingAfter(fromPage << PAGE_SHIFT);
            long page = fromPage;
            while (page < toPage)
            {
                final long offset = page << PAGE_SHIFT;
                while (ia < extentsA.count() && extentsA.end(ia) <= offset)
                {
                    ia++;
                }
                while (ib < extentsB.count() && extentsB.end(ib) <= offset)
                {
                    ib++;
                }
                final long nextA = ia < extentsA.count() ? Math.max(offset, extentsA.start(ia)) : Long.MAX_VALUE;
                final long nextB = ib < extentsB.count() ? Math.max(offset, extentsB.start(ib)) : Long.MAX_VALUE;
                final long dataStart = Math.min(nextA, nextB);
                if (dataStart > offset)
                {
                    // a hole in both files: equal without reading
                    final long holeEnd = Math.min(toPage, dataStart >>> PAGE_SHIFT);
                    countEqualUnlessFree(page, holeEnd);
                    page = holeEnd;
                    continue;
                }
                final boolean dataA = ia < extentsA.count() && extentsA.start(ia) <= offset;
                final boolean dataB = ib < extentsB.count() && extentsB.start(ib) <= offset;
                long end = toPage;
                end = Math.min(end, (dataA ? extentsA.end(ia) : nextA) >>> PAGE_SHIFT);
                end = Math.min(end, (dataB ? extentsB.end(ib) : nextB) >>> PAGE_SHIFT);
                end = Math.max(page + 1, Math.min(end, a.nextChunkPage(page)));
                // a hole on one side is zero: compare the other side with zeros instead of reading the hole
                compareMapped(page, end, dataA, dataB);
                page = end;
            }
        }

        private void countEqualUnlessFree(final long from, final long to)
        {
            for (long page = from; page < to; page++)
            {
                if (bitmap != null && bitmap.isFree(page))
                {
                    free++;
                }
                else
                {
                    compared++;
                }
            }
        }

        private void compareMapped(final long from, final long to, final boolean dataA, final boolean dataB)
        {
            long page = from;
            while (page < to)
            {
                if (bitmap != null && bitmap.isFree(page))
                {
                    free++;
                    page++;
                    continue;
                }
                int span = 1;
                while (span < ZeroPageDetector.SPAN_PAGES && page + span < to &&
                    (bitmap == null || !bitmap.isFree(page + span)))
                {
                    span++;
                }
                final int length = span << PAGE_SHIFT;
                final ByteBuffer va = dataA ? viewsA.view(page, span) : zeros.limit(length).position(0);
                final ByteBuffer vb = dataB ? viewsB.view(page, span) : zeros.limit(length).position(0);
                final int mismatch = va.mismatch(vb);
                if (mismatch < 0)
                {
                    compared += span;
                    page += span;
                }
                else
                {
                    final int equalPages = mismatch >>> PAGE_SHIFT;
                    compared += equalPages + 1;
                    differing++;
                    if (first.size() < ImageComparison.MAX_LISTED)
                    {
                        first.addLong(page + equalPages);
                    }
                    page += equalPages + 1;
                }
            }
        }
    }
}
