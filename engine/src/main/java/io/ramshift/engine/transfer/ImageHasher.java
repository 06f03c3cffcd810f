package io.ramshift.engine.transfer;

import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.scan.PageHashWalker;
import io.ramshift.engine.scan.ParallelRanges;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hashes every page of an image file into a {@link PageHashLedger} on several threads; holes are zero pages
 * without being read. Counts pages done for a progress bar.
 */
public final class ImageHasher implements PageHashProvider
{
    private final int threads;
    private final AtomicLong pagesDone;

    /**
     * @param threads   worker threads.
     * @param pagesDone incremented as pages are hashed (for a progress bar), or null.
     */
    public ImageHasher(final int threads, final AtomicLong pagesDone)
    {
        this.threads = Math.max(1, threads);
        this.pagesDone = pagesDone;
    }

    /**
     * Map the image read-only and hash it.
     */
    public PageHashLedger hashes(final Path image, final long size)
    {
        try (MappedImage mapped = MappedImage.openReadOnly(image))
        {
            return hash(mapped, DataExtents.of(image, mapped.size()));
        }
    }

    /**
     * @param image   the mapped image.
     * @param extents its allocated ranges.
     * @return the hash of every page, preset.
     */
    public PageHashLedger hash(final MappedImage image, final DataExtents extents)
    {
        final PageHashLedger ledger = new PageHashLedger(image.pageCount(), true);
        final Runnable[] workers = new Runnable[threads];
        for (int i = 0; i < threads; i++)
        {
            workers[i] = new Worker(image, extents, ledger,
                ParallelRanges.sliceStart(image.pageCount(), threads, i),
                ParallelRanges.sliceStart(image.pageCount(), threads, i + 1), pagesDone);
        }
        ParallelRanges.run("ramshift-hash", workers);
        return ledger;
    }

    private static final class Worker extends PageHashWalker
    {
        private final PageHashLedger ledger;
        private final AtomicLong pagesDone;
        private long pending;

        Worker(final MappedImage image, final DataExtents extents, final PageHashLedger ledger, final long fromPage,
            final long toPage, final AtomicLong pagesDone)
        {
            super(image, extents, fromPage, toPage);
            this.ledger = ledger;
            this.pagesDone = pagesDone;
        }

        public void run()
        {
            super.run();
            if (pagesDone != null)
            {
                pagesDone.addAndGet(pending);
            }
        }

        protected void onPage(final long page, final long hash)
        {
            ledger.preset(page, hash);
            if (pagesDone != null && ++pending == 4096)
            {
                pagesDone.addAndGet(pending);
                pending = 0;
            }
        }
    }
}
