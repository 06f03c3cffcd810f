package io.ramshift.engine.postcopy;

import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.AtomicPageBitmap;
import io.ramshift.engine.image.DestinationFile;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.transfer.ImageDigest;
import io.ramshift.engine.transfer.PageHashLedger;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;
import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * The destination's image during post-copy: readers see a page only once it is current (arrived after the switch,
 * or current before it); a read of a missing page sends a demand on the priority connection and parks until that
 * page is applied. Each page is applied at most once after the switch: the first copy (demand reply or push) wins,
 * later copies are dropped, so a page is never overwritten behind a reader's back.
 */
public final class PostcopyImage
{
    /** Where demands go (the priority connection, or nowhere while the link is down). */
    public interface DemandSink
    {
        /**
         * @param page a page a reader waits for.
         */
        void demand(long page);
    }

    /** {@link #apply} source: the background push. */
    public static final int FROM_PUSH = 0;
    /** {@link #apply} source: the demanded page of a demand reply. */
    public static final int FROM_DEMAND = 1;
    /** {@link #apply} source: a neighbour prefetched with a demand reply. */
    public static final int FROM_PREFETCH = 2;

    private static final int STRIPES = 64;
    private static final long PARK_MS = 50;

    private final long pageCount;
    private final MappedImage view;
    private final DestinationFile file;
    private final PageHashLedger ledger;
    private final AtomicPageBitmap received;
    private final AtomicPageBitmap current;
    private final AtomicPageBitmap claimed;
    private final AtomicPageBitmap demanded;
    private final AtomicPageBitmap waiting;
    private final Object[] stripes = new Object[STRIPES];
    private final AtomicLong missing;
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong demandsSent = new AtomicLong();
    private final AtomicLong pushed = new AtomicLong();
    private final AtomicLong replied = new AtomicLong();
    private final AtomicLong prefetched = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong readerPages = new AtomicLong();
    private final LongArrayList unacked = new LongArrayList();
    private final PostcopyFigures figures;
    private final AtomicInteger activeReads = new AtomicInteger();
    private volatile boolean closed;
    private volatile DemandSink sink;
    private volatile RuntimeException failure;

    /**
     * @param view     read-only mapping of the destination file.
     * @param file     the destination, written with positional writes.
     * @param ledger   hashes of the pages applied (the receiver's digest of the session).
     * @param received pages this session wrote (the read-back covers them).
     * @param pending  pages not current at the switch.
     * @param figures  where the receiver's figures go.
     */
    public PostcopyImage(final MappedImage view, final DestinationFile file, final PageHashLedger ledger,
        final AtomicPageBitmap received, final AtomicPageBitmap pending, final PostcopyFigures figures)
    {
        this.pageCount = pending.pageCount();
        this.view = view;
        this.file = file;
        this.ledger = ledger;
        this.received = received;
        this.figures = figures;
        this.current = new AtomicPageBitmap(pageCount);
        this.claimed = new AtomicPageBitmap(pageCount);
        this.demanded = new AtomicPageBitmap(pageCount);
        this.waiting = new AtomicPageBitmap(pageCount);
        final int words = pending.wordCount();
        for (int w = 0; w < words; w++)
        {
            long bits = ~pending.word(w);
            if (w == words - 1 && (pageCount & 63) != 0)
            {
                bits &= (1L << (pageCount & 63)) - 1;
            }
            current.putWord(w, bits);
            claimed.putWord(w, bits);
        }
        for (int i = 0; i < STRIPES; i++)
        {
            stripes[i] = new Object();
        }
        this.missing = new AtomicLong(pending.cardinality());
        figures.pagesAtSwitch = missing.get();
    }

    /** @return pages of the image. */
    public long pageCount()
    {
        return pageCount;
    }

    /**
     * @param page a page.
     * @return true when the page is current in the destination (one bitmap read).
     */
    public boolean isCurrent(final long page)
    {
        return current.isSet(page);
    }

    /** @return pages not current yet. */
    public long missingPages()
    {
        return missing.get();
    }

    /**
     * Return once the page is current; a missing page is demanded from the source first. The time waited counts
     * as one fault.
     *
     * @param page a page.
     * @throws TransferException naming the page when the session failed for good before it arrived.
     */
    public void awaitPage(final long page)
    {
        if (current.isSet(page))
        {
            return;
        }
        if (page < 0 || page >= pageCount)
        {
            throw new IllegalArgumentException("page past image end: page=" + page + " pages=" + pageCount);
        }
        final long start = System.nanoTime();
        faults.incrementAndGet();
        if (demanded.trySet(page))
        {
            demandsSent.incrementAndGet();
            final DemandSink target = sink;
            if (target != null)
            {
                target.demand(page);
            }
        }
        waiting.set(page);
        final Object stripe = stripes[(int)(page & (STRIPES - 1))];
        synchronized (stripe)
        {
            while (!current.isSet(page))
            {
                final RuntimeException failed = failure;
                if (failed != null)
                {
                    throw new TransferException("page " + page + " never arrived: " + failed.getMessage(), failed);
                }
                try
                {
                    stripe.wait(PARK_MS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new TransferException("interrupted while waiting for page " + page, ex);
                }
            }
        }
        final long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
        synchronized (figures.faultLatencyMicros)
        {
            figures.faultLatencyMicros.recordValue(Math.max(0, Math.min(micros, 3_600_000_000L)));
        }
    }

    /**
     * Copy a page into {@code dst}, waiting for it first.
     *
     * @param page   a page.
     * @param dst    where its 4096 bytes go.
     * @param offset offset in {@code dst}.
     */
    public void readPage(final long page, final MutableDirectBuffer dst, final int offset)
    {
        awaitPage(page);
        // counted in before the closed check, so close() either sees this read or this read sees closed
        activeReads.incrementAndGet();
        try
        {
            if (closed)
            {
                throw new TransferException("post-copy image closed, the session ended: page=" + page);
            }
            dst.putBytes(offset, pageBuffer(page), 0, PAGE_SIZE);
        }
        finally
        {
            activeReads.decrementAndGet();
        }
        readerPages.incrementAndGet();
    }

    /** @return true once the session ended and the mapping under this image may be gone. */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Refuse reads from now on and wait for the reads in progress (a 4 KiB copy each): the destination's mapping
     * is unmapped right after, and a reader still copying from it would touch unmapped memory.
     */
    public void close()
    {
        closed = true;
        while (activeReads.get() != 0)
        {
            Thread.onSpinWait();
        }
    }

    private final ThreadLocal<UnsafeBuffer> pageViews = ThreadLocal.withInitial(UnsafeBuffer::new);

    private UnsafeBuffer pageBuffer(final long page)
    {
        final UnsafeBuffer buffer = pageViews.get();
        buffer.wrap(view.pageAddress(page), PAGE_SIZE);
        return buffer;
    }

    /**
     * Block until every page is current (or the session failed for good: then it throws).
     */
    public void awaitComplete()
    {
        while (!awaitComplete(Long.MAX_VALUE / 2_000_000L))
        {
            if (Thread.currentThread().isInterrupted())
            {
                throw new TransferException("interrupted while waiting for the image: missing=" + missing.get());
            }
        }
    }

    /**
     * Block until every page is current.
     *
     * @param timeoutMs longest wait.
     * @return true when complete.
     */
    public boolean awaitComplete(final long timeoutMs)
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (missing)
        {
            while (missing.get() > 0)
            {
                final RuntimeException failed = failure;
                if (failed != null)
                {
                    throw new TransferException("image incomplete: missing=" + missing.get() + ": " +
                        failed.getMessage(), failed);
                }
                final long wait = deadline - System.currentTimeMillis();
                if (wait <= 0)
                {
                    return false;
                }
                try
                {
                    missing.wait(Math.min(wait, PARK_MS));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Apply one page that arrived, unless a copy was applied already.
     *
     * @param page   the page.
     * @param data   its bytes from the position (4096 of them), or null for a zero page.
     * @param from   {@link #FROM_PUSH}, {@link #FROM_DEMAND} or {@link #FROM_PREFETCH}.
     * @return true when applied, false when dropped as a duplicate.
     */
    public boolean apply(final long page, final ByteBuffer data, final int from)
    {
        if (!claimed.trySet(page))
        {
            duplicates.incrementAndGet();
            return false;
        }
        final long hash;
        if (data == null)
        {
            // a hole where nothing was written (a new file), cleared where this session wrote the page before
            hash = ImageDigest.ZERO_PAGE_HASH;
            file.zero((long)page << PAGE_SHIFT, PAGE_SIZE, received.isSet(page));
        }
        else
        {
            hash = ImageDigest.pageHash(org.agrona.BufferUtil.address(data) + data.position());
            file.write((long)page << PAGE_SHIFT, data);
        }
        ledger.record(page, hash);
        received.set(page);
        current.set(page);
        (from == FROM_PUSH ? pushed : from == FROM_DEMAND ? replied : prefetched).incrementAndGet();
        synchronized (unacked)
        {
            unacked.addLong(page);
        }
        if (waiting.isSet(page))
        {
            final Object stripe = stripes[(int)(page & (STRIPES - 1))];
            synchronized (stripe)
            {
                stripe.notifyAll();
            }
        }
        if (missing.decrementAndGet() == 0)
        {
            figures.completeNanos = System.nanoTime();
            synchronized (missing)
            {
                missing.notifyAll();
            }
        }
        return true;
    }

    /**
     * @param into receives the pages applied since the last call (in application order).
     * @return pages taken.
     */
    public int drainUnacked(final LongArrayList into)
    {
        synchronized (unacked)
        {
            final int n = unacked.size();
            for (int i = 0; i < n; i++)
            {
                into.addLong(unacked.getLong(i));
            }
            unacked.clear();
            return n;
        }
    }

    /** @return pages applied and not yet taken by {@link #drainUnacked}. */
    public int unackedCount()
    {
        synchronized (unacked)
        {
            return unacked.size();
        }
    }

    /**
     * @param wordIndex a word of the bitmap.
     * @return pages not current there (bits past the last page clear).
     */
    public long missingWord(final int wordIndex)
    {
        long bits = ~current.word(wordIndex);
        if (wordIndex == current.wordCount() - 1 && (pageCount & 63) != 0)
        {
            bits &= (1L << (pageCount & 63)) - 1;
        }
        return bits;
    }

    /** @return words of the page bitmaps. */
    public int wordCount()
    {
        return current.wordCount();
    }

    /**
     * @param page a page.
     * @return true when a reader demanded it and it is not current yet.
     */
    public boolean isOutstanding(final long page)
    {
        return demanded.isSet(page) && !current.isSet(page);
    }

    /**
     * Route demands; demands made while no sink is set are sent again by whoever sets the next one.
     *
     * @param sink the priority connection's writer, or null while the link is down.
     */
    public void demandSink(final DemandSink sink)
    {
        this.sink = sink;
    }

    /**
     * Fail every reader waiting now or later for a page that is not current.
     *
     * @param cause why the session ended.
     */
    public void fail(final RuntimeException cause)
    {
        failure = cause;
        for (final Object stripe : stripes)
        {
            synchronized (stripe)
            {
                stripe.notifyAll();
            }
        }
        synchronized (missing)
        {
            missing.notifyAll();
        }
    }

    /** Note pages read by a reader that uses {@link #awaitPage} and the mapping directly. */
    void countRead()
    {
        readerPages.incrementAndGet();
    }

    /** Copy the counters into the figures. */
    public void fillFigures()
    {
        figures.faults = faults.get();
        figures.demandedPages = demandsSent.get();
        figures.pushedPages = pushed.get();
        figures.prefetchedPages = prefetched.get();
        figures.repliedPages = replied.get();
        figures.duplicatePages = duplicates.get();
        figures.readerPagesRead = readerPages.get();
    }

    /** @return the figures of this end. */
    public PostcopyFigures figures()
    {
        return figures;
    }
}
