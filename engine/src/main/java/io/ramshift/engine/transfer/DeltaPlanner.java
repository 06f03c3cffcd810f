package io.ramshift.engine.transfer;

import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.image.PageViews;
import io.ramshift.engine.scan.PageClass;
import io.ramshift.engine.scan.ZeroPageDetector;
import org.agrona.collections.Long2LongHashMap;

/**
 * Decides, page by page, what a delta session sends: nothing for a page whose hash equals the destination's (or
 * that the source reports free), a ZERO run for a page that became zero, a COPY of an unchanged destination page
 * that holds the same bytes (checked byte for byte in the source, where both pages are), else the page's bytes.
 */
final class DeltaPlanner
{
    private static final long MISSING = -1;
    private static final long WANTED = -2;
    private static final int FILTER_WORDS = 1 << 14;

    private final MappedImage image;
    private final FreePageBitmap bitmap;
    private final PageHashLedger source;
    private final PageHashLedger destination;
    private final ZeroPageDetector zeros;
    private final PageViews viewsA;
    private final PageViews viewsB;

    DeltaPlanner(final MappedImage image, final FreePageBitmap bitmap, final PageHashLedger source,
        final PageHashLedger destination)
    {
        this.image = image;
        this.bitmap = bitmap;
        this.source = source;
        this.destination = destination;
        this.zeros = new ZeroPageDetector(image);
        this.viewsA = new PageViews(image);
        this.viewsB = new PageViews(image);
    }

    void plan(final StreamSender sender)
    {
        final long pages = image.pageCount();
        // content the changed pages need, and an unchanged destination page holding it
        final Long2LongHashMap holder = new Long2LongHashMap(MISSING);
        // a 2^20-bit filter of the wanted hashes spares the map a lookup for almost every unchanged page
        final long[] filter = new long[FILTER_WORDS];
        for (long page = 0; page < pages; page++)
        {
            final long hash = source.hash(page);
            if (!free(page) && hash != destination.hash(page) && hash != ImageDigest.ZERO_PAGE_HASH)
            {
                holder.put(hash, WANTED);
                filter[(int)(hash >>> 50)] |= 1L << (hash >>> 44);
            }
        }
        if (!holder.isEmpty())
        {
            for (long page = 0; page < pages; page++)
            {
                final long hash = source.hash(page);
                if ((filter[(int)(hash >>> 50)] & (1L << (hash >>> 44))) != 0 && hash == destination.hash(page) &&
                    holder.get(hash) == WANTED)
                {
                    holder.put(hash, page);
                }
            }
        }
        int runClass = -1;
        long runFirst = 0;
        long runCount = 0;
        for (long page = 0; page < pages; page++)
        {
            final int pageClass;
            long reference = MISSING;
            final long hash = source.hash(page);
            if (free(page))
            {
                pageClass = PageClass.FREE;
            }
            else if (hash == destination.hash(page))
            {
                pageClass = UNCHANGED;
            }
            else if (hash == ImageDigest.ZERO_PAGE_HASH && zeros.isZero(page))
            {
                pageClass = PageClass.ZERO;
            }
            else
            {
                reference = holder.get(hash);
                pageClass = reference >= 0 && sameBytes(page, reference) ? COPY : PageClass.DATA;
            }
            if (pageClass == COPY)
            {
                emit(sender, runClass, runFirst, runCount);
                runClass = -1;
                runCount = 0;
                sender.copyPage(page, reference, hash);
                continue;
            }
            if (pageClass == runClass && runFirst + runCount == page)
            {
                runCount++;
                continue;
            }
            emit(sender, runClass, runFirst, runCount);
            runClass = pageClass;
            runFirst = page;
            runCount = 1;
        }
        emit(sender, runClass, runFirst, runCount);
    }

    private static final int UNCHANGED = 100;
    private static final int COPY = 101;

    private static void emit(final StreamSender sender, final int runClass, final long first, final long count)
    {
        if (count == 0)
        {
            return;
        }
        if (runClass == UNCHANGED)
        {
            sender.unchanged(count);
        }
        else
        {
            sender.onRun(runClass, first, count);
        }
    }

    private boolean free(final long page)
    {
        return bitmap != null && bitmap.isFree(page);
    }

    private boolean sameBytes(final long pageA, final long pageB)
    {
        return viewsA.view(pageA, 1).mismatch(viewsB.view(pageB, 1)) < 0;
    }
}
