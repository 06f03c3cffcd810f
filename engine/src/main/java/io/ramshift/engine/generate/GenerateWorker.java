package io.ramshift.engine.generate;

import io.ramshift.engine.image.MappedImage;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;
import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;
import static io.ramshift.layout.PageLayoutDescriptor.KIND_ZERO;

/**
 * One writer thread of the {@link ImageGenerator}: claims 2 MiB blocks of pages from a shared counter and writes
 * them through the image's writable mapping until none is left or another worker failed.
 * <p>
 * Claiming small blocks rather than splitting the image in equal parts keeps both cores busy when one part is
 * mostly zero pages and another mostly data.
 */
final class GenerateWorker implements Runnable
{
    /** Pages claimed at a time: one aligned 2 MiB block, which never straddles a mapping chunk. */
    static final int BLOCK_PAGES = PageKindPlan.CHUNK_PAGES;

    /** Zero pages: store zeros. */
    static final int ZERO_WRITE = 0;

    /** Zero pages: leave alone (holes of a new sparse file). */
    static final int ZERO_SKIP = 1;

    /** Zero pages: store zeros only where the existing page is not all zero. */
    static final int ZERO_CHECK = 2;

    private final MappedImage image;
    private final PageKindPlan plan;
    private final PageContentWriter contentWriter;
    private final AtomicLong nextBlock;
    private final AtomicLong pagesDone;
    private final AtomicReference<Throwable> failure;
    private final int zeroPolicy;
    private long pagesWritten;

    /**
     * @param image      mapped writable.
     * @param plan       of the image.
     * @param nextBlock  shared counter of the next block to claim.
     * @param pagesDone  shared count of pages finished, for progress.
     * @param failure    first failure of any worker; set here on failure, and checked to stop early.
     * @param zeroPolicy {@link #ZERO_WRITE}, {@link #ZERO_SKIP} or {@link #ZERO_CHECK}.
     */
    GenerateWorker(
        final MappedImage image,
        final PageKindPlan plan,
        final AtomicLong nextBlock,
        final AtomicLong pagesDone,
        final AtomicReference<Throwable> failure,
        final int zeroPolicy)
    {
        this.image = image;
        this.plan = plan;
        this.contentWriter = new PageContentWriter(plan);
        this.nextBlock = nextBlock;
        this.pagesDone = pagesDone;
        this.failure = failure;
        this.zeroPolicy = zeroPolicy;
    }

    /** Write blocks until none is left; a failure is recorded, not thrown, so the generator can report it. */
    public void run()
    {
        try
        {
            final long pageCount = plan.pageCount();
            final long blockCount = (pageCount + BLOCK_PAGES - 1) / BLOCK_PAGES;
            while (failure.get() == null)
            {
                final long block = nextBlock.getAndIncrement();
                if (block >= blockCount)
                {
                    break;
                }
                final long first = block * BLOCK_PAGES;
                final long end = Math.min(pageCount, first + BLOCK_PAGES);
                writeBlock(first, end);
                pagesDone.addAndGet(end - first);
            }
        }
        catch (final Throwable ex)
        {
            failure.compareAndSet(null, ex);
        }
    }

    /** @return pages this worker stored (read after the thread ended). */
    long pagesWritten()
    {
        return pagesWritten;
    }

    private void writeBlock(final long first, final long end)
    {
        final long firstOffset = first << PAGE_SHIFT;
        final UnsafeBuffer buffer = image.chunkBuffer(image.chunkIndex(firstOffset));
        int offset = image.chunkOffset(firstOffset);
        long written = 0;
        for (long page = first; page < end; page++, offset += PAGE_SIZE)
        {
            if (plan.kind(page) != KIND_ZERO)
            {
                contentWriter.write(buffer, offset, page);
                written++;
            }
            else if (zeroPolicy == ZERO_WRITE || (zeroPolicy == ZERO_CHECK && !ZeroPage.isZero(buffer, offset)))
            {
                ZeroPage.clear(buffer, offset);
                written++;
            }
        }
        pagesWritten += written;
    }
}
