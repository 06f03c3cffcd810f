package io.ramshift.engine.transfer;

import io.ramshift.engine.image.AtomicPageBitmap;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.scan.PageHashWalker;
import io.ramshift.engine.scan.ParallelRanges;
import org.agrona.UnsafeApi;
import org.agrona.collections.LongArrayList;

import java.nio.file.Path;

/**
 * Reads a destination file back after the last page of a session and computes the image digest of what the file
 * now holds over the pages the session carried (holes count as zero pages without being read). When the session
 * kept a page hash ledger it also names the pages whose bytes in the file differ from what was received.
 */
public final class DestinationReadBack
{
    /** Pages named in a mismatch report at most. */
    public static final int MAX_LISTED = 16;

    private final long digest;
    private final long pagesChecked;
    private final long differing;
    private final LongArrayList firstDiffering;

    private DestinationReadBack(final long digest, final long pagesChecked, final long differing,
        final LongArrayList firstDiffering)
    {
        this.digest = digest;
        this.pagesChecked = pagesChecked;
        this.differing = differing;
        this.firstDiffering = firstDiffering;
    }

    /**
     * Read a destination back.
     *
     * @param path     the destination file.
     * @param received pages the session carried.
     * @param ledger   hashes of what was received per page, or null.
     * @param threads  worker threads.
     * @return the digest of the file over the received pages, and the pages that differ from the ledger.
     */
    public static DestinationReadBack read(final Path path, final AtomicPageBitmap received,
        final PageHashLedger ledger, final int threads)
    {
        try (MappedImage image = MappedImage.openReadOnly(path))
        {
            return read(image, received, ledger, threads);
        }
    }

    /**
     * Read a destination back through a mapping kept open for the session (its page tables already filled by
     * {@link #touch}, so the check in the downtime pays no page faults).
     *
     * @param image    read-only mapping of the destination file.
     * @param received pages the session carried.
     * @param ledger   hashes of what was received per page, or null.
     * @param threads  worker threads.
     * @return the digest of the file over the received pages, and the pages that differ from the ledger.
     */
    public static DestinationReadBack read(final MappedImage image, final AtomicPageBitmap received,
        final PageHashLedger ledger, final int threads)
    {
        {
            final DataExtents extents = DataExtents.of(image.path(), image.size());
            final Walker[] walkers = new Walker[threads];
            for (int i = 0; i < threads; i++)
            {
                walkers[i] = new Walker(image, extents, received, ledger,
                    ParallelRanges.sliceStart(image.pageCount(), threads, i),
                    ParallelRanges.sliceStart(image.pageCount(), threads, i + 1));
            }
            ParallelRanges.run("ramshift-read-back", walkers);
            long digest = 0;
            long checked = 0;
            long differing = 0;
            final LongArrayList first = new LongArrayList();
            for (final Walker walker : walkers)
            {
                digest += walker.digest.value();
                checked += walker.checked;
                differing += walker.differing;
                for (int i = 0; i < walker.first.size() && first.size() < MAX_LISTED; i++)
                {
                    first.addLong(walker.first.getLong(i));
                }
            }
            return new DestinationReadBack(digest, checked, differing, first);
        }
    }

    /**
     * Map pages of a read-only view after they were written, one read per page, so the page faults are paid while
     * the pages arrive rather than during the final check.
     *
     * @param image     read-only mapping of the destination.
     * @param firstPage first page written.
     * @param pageCount pages written.
     * @return a value to keep the reads from being optimised away.
     */
    public static long touch(final MappedImage image, final long firstPage, final long pageCount)
    {
        long sum = 0;
        for (long page = firstPage, end = firstPage + pageCount; page < end; page++)
        {
            sum += UnsafeApi.getByte(image.pageAddress(page));
        }
        return sum;
    }

    /** @return the image digest of the file's content over the received pages. */
    public long digest()
    {
        return digest;
    }

    /** @return pages counted. */
    public long pagesChecked()
    {
        return pagesChecked;
    }

    /** @return pages whose content differs from what was received (0 without a ledger). */
    public long differing()
    {
        return differing;
    }

    /** @return the first differing pages, ascending, at most {@link #MAX_LISTED}. */
    public LongArrayList firstDiffering()
    {
        return firstDiffering;
    }

    private static final class Walker extends PageHashWalker
    {
        private final AtomicPageBitmap received;
        private final PageHashLedger ledger;
        private final ImageDigest digest = new ImageDigest();
        private final LongArrayList first = new LongArrayList();
        private long checked;
        private long differing;

        Walker(final MappedImage image, final DataExtents extents, final AtomicPageBitmap received,
            final PageHashLedger ledger, final long fromPage, final long toPage)
        {
            super(image, extents, fromPage, toPage);
            this.received = received;
            this.ledger = ledger;
        }

        protected boolean wants(final long page)
        {
            return received.isSet(page);
        }

        protected void onPage(final long page, final long hash)
        {
            if (!received.isSet(page))
            {
                return;
            }
            checked++;
            digest.addPage(page, hash);
            if (ledger != null && ledger.hash(page) != hash)
            {
                differing++;
                if (first.size() < MAX_LISTED)
                {
                    first.addLong(page);
                }
            }
        }
    }
}
