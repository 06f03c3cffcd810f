package io.ramshift.engine.live;

import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.scan.PageClass;
import io.ramshift.engine.scan.RunConsumer;
import io.ramshift.engine.transfer.ImageDigest;
import io.ramshift.engine.transfer.PageHashLedger;
import io.ramshift.engine.transfer.RoundSender;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;

/**
 * Dirty pages of an image written by another process, which no kernel facility here can watch: every page
 * sent earlier is hashed again (allocated extents only; a page still in a hole is still zero) and compared with
 * the hash of what was sent. Pages reported free in the bulk round must stay free (as with free page reporting,
 * the guest has handed them back). Records the cost per GiB rescanned.
 */
public final class HashRescanDirtySource implements DirtySource
{
    private long rescanNanos;
    private long rescanBytes;

    /** @return nanoseconds spent rescanning so far. */
    public long rescanNanos()
    {
        return rescanNanos;
    }

    /** @return bytes hashed by rescans so far. */
    public long rescanBytes()
    {
        return rescanBytes;
    }

    /**
     * Rescan every recorded page and deliver those whose hash changed.
     */
    public long collect(final RoundSender sender, final RunConsumer consumer)
    {
        final long start = System.nanoTime();
        final MappedImage image = sender.image();
        final PageHashLedger ledger = sender.ledger();
        final DataExtents extents = DataExtents.of(image.path(), image.size());
        long changed = 0;
        long runFirst = -1;
        long runCount = 0;
        int extent = 0;
        for (long page = 0, pages = image.pageCount(); page < pages; page++)
        {
            if (!ledger.isRecorded(page))
            {
                continue;
            }
            final long offset = page << PAGE_SHIFT;
            while (extent < extents.count() && extents.end(extent) <= offset)
            {
                extent++;
            }
            final boolean allocated = extent < extents.count() && extents.start(extent) <= offset;
            final long hash = allocated ? ImageDigest.pageHash(image.pageAddress(page)) : ImageDigest.ZERO_PAGE_HASH;
            if (allocated)
            {
                rescanBytes += MappedImage.PAGE_SIZE;
            }
            if (hash == ledger.hash(page))
            {
                continue;
            }
            changed++;
            if (runCount > 0 && runFirst + runCount == page)
            {
                runCount++;
            }
            else
            {
                if (runCount > 0)
                {
                    consumer.onRun(PageClass.DATA, runFirst, runCount);
                }
                runFirst = page;
                runCount = 1;
            }
        }
        if (runCount > 0)
        {
            consumer.onRun(PageClass.DATA, runFirst, runCount);
        }
        rescanNanos += System.nanoTime() - start;
        return changed;
    }
}
