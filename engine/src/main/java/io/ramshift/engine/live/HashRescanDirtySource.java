package io.ramshift.engine.live;

import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.scan.PageClass;
import io.ramshift.engine.scan.PageHashWalker;
import io.ramshift.engine.scan.ParallelRanges;
import io.ramshift.engine.scan.RunConsumer;
import io.ramshift.engine.transfer.PageHashLedger;
import io.ramshift.engine.transfer.RoundSender;
import org.agrona.collections.LongArrayList;


/**
 * Dirty pages of an image written by another process, which no kernel facility here can watch: every page
 * sent earlier is hashed again (allocated extents only; a page still in a hole is still zero) and compared with
 * the hash of what was sent. Pages reported free in the bulk round must stay free (as with free page reporting,
 * the guest has handed them back). Records the cost per GiB rescanned.
 */
public final class HashRescanDirtySource implements DirtySource
{
    /** Threads hashing in parallel (the machines this runs on have two cores; the guest is stopped or slow). */
    public static final int THREADS = 2;

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
     * Rescan every recorded page (the image split between {@link #THREADS} threads) and deliver those whose hash
     * changed, in page order.
     */
    public long collect(final RoundSender sender, final RunConsumer consumer)
    {
        final long start = System.nanoTime();
        final MappedImage image = sender.image();
        final DataExtents extents = DataExtents.of(image.path(), image.size());
        final Slice[] slices = new Slice[THREADS];
        for (int i = 0; i < THREADS; i++)
        {
            slices[i] = new Slice(image, sender.ledger(), extents,
                ParallelRanges.sliceStart(image.pageCount(), THREADS, i),
                ParallelRanges.sliceStart(image.pageCount(), THREADS, i + 1));
        }
        ParallelRanges.run("ramshift-rescan", slices);
        long changed = 0;
        for (final Slice slice : slices)
        {
            changed += slice.changed;
            rescanBytes += slice.hashedBytes;
            for (int i = 0, n = slice.runs.size(); i < n; i += 2)
            {
                consumer.onRun(PageClass.DATA, slice.runs.getLong(i), slice.runs.getLong(i + 1));
            }
        }
        rescanNanos += System.nanoTime() - start;
        return changed;
    }

    /** Rescans one slice of the pages, collecting changed runs (holes read as zero pages without a read). */
    private static final class Slice extends PageHashWalker
    {
        private final PageHashLedger ledger;
        private final LongArrayList runs = new LongArrayList();
        private long changed;
        private long hashedBytes;
        private long runFirst = -1;
        private long runCount;

        Slice(final MappedImage image, final PageHashLedger ledger, final DataExtents extents, final long fromPage,
            final long toPage)
        {
            super(image, extents, fromPage, toPage);
            this.ledger = ledger;
        }

        public void run()
        {
            super.run();
            if (runCount > 0)
            {
                runs.addLong(runFirst);
                runs.addLong(runCount);
            }
        }

        protected boolean wants(final long page)
        {
            if (!ledger.isRecorded(page))
            {
                return false;
            }
            hashedBytes += MappedImage.PAGE_SIZE;
            return true;
        }

        protected void onPage(final long page, final long hash)
        {
            if (!ledger.isRecorded(page) || hash == ledger.hash(page))
            {
                return;
            }
            changed++;
            if (runCount > 0 && runFirst + runCount == page)
            {
                runCount++;
                return;
            }
            if (runCount > 0)
            {
                runs.addLong(runFirst);
                runs.addLong(runCount);
            }
            runFirst = page;
            runCount = 1;
        }
    }
}
