package io.ramshift.engine.postcopy;

import io.ramshift.engine.PeerErrorException;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.AtomicPageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.scan.ZeroPageDetector;
import io.ramshift.engine.transfer.FrameChannel;
import io.ramshift.engine.transfer.Lz4BlockCompressor;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.PostcopyAckFlyweight;
import io.ramshift.layout.PostcopyBitmapDescriptor;
import io.ramshift.layout.PostcopyBitmapFlyweight;
import io.ramshift.layout.PostcopyDemandFlyweight;
import io.ramshift.layout.PostcopyPagesDescriptor;
import io.ramshift.layout.PostcopyPagesFlyweight;
import io.ramshift.layout.ProtocolDescriptor;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * The source's side of post-copy: tells the destination which pages are not current there, then pushes them in
 * the background on the bulk connection (hot list first, then onwards from the latest demand, then the rest)
 * while a priority thread answers demands with the page and its next neighbours. The source's image is frozen
 * (the writer stopped) and every page stays readable until the destination acknowledged it; when the link drops,
 * it reconnects within the window and pushes again every page the destination says it lacks.
 */
public final class PostcopySource
{
    /** Opens a connection of this session (TLS, HELLO with extra option bits, key proof, HELLO_ACK). */
    public interface Link
    {
        /**
         * @param extraOptions {@code OPTION_POSTCOPY_PRIORITY} and/or {@code OPTION_POSTCOPY_RESUME}.
         * @param blocking     true for a connection read and written by two threads (no idle timeout).
         * @return the connection, its HELLO acknowledged.
         */
        PostcopyConnection open(long extraOptions, boolean blocking);
    }

    private static final long BACKOFF_MIN_MS = 50;
    private static final long BACKOFF_MAX_MS = 1_000;
    private static final long JOIN_MS = 10_000;

    private final MappedImage image;
    private final long pageCount;
    private final AtomicPageBitmap pending;
    private final long total;
    private final long[] hot;
    private final int hotCount;
    private final PostcopySettings settings;
    private final Link link;
    private final PostcopyFigures figures;
    private final ZeroPageDetector pushZero;
    private final ZeroPageDetector replyZero;
    private final AtomicLong ackedCount = new AtomicLong();
    private final AtomicLong pushed = new AtomicLong();
    private final AtomicLong demands = new AtomicLong();
    private final AtomicLong prefetched = new AtomicLong();
    private final Object ackMonitor = new Object();
    private final UnsafeBuffer pushFrame;
    private final ByteBuffer pushBytes;
    private final PostcopyPagesFlyweight pushPages = new PostcopyPagesFlyweight();
    private final UnsafeBuffer pageView = new UnsafeBuffer(0, 0);
    private final Lz4BlockCompressor pushCompressor;
    private final long[] picked;
    private volatile AtomicPageBitmap sent;
    private volatile AtomicPageBitmap acked;
    private volatile long jumpTo = -1;
    private volatile boolean linkDown;
    private volatile RuntimeException fatal;
    private PostcopyConnection bulk;
    private volatile PostcopyConnection priority;
    private Thread priorityThread;
    private int hotIndex;
    private long cursor;
    private long lastJump = -1;

    /**
     * @param image    the source, frozen (its writer stopped).
     * @param pending  pages not current at the destination.
     * @param hot      pages to push first (a subset of pending is used), or null.
     * @param hotCount entries of {@code hot}.
     * @param settings post-copy settings.
     * @param link     opens the priority connection and reconnects.
     * @param figures  where this end's figures go.
     */
    public PostcopySource(final MappedImage image, final AtomicPageBitmap pending, final long[] hot,
        final int hotCount, final PostcopySettings settings, final Link link, final PostcopyFigures figures)
    {
        this.image = image;
        this.pageCount = image.pageCount();
        this.pending = pending;
        this.total = pending.cardinality();
        this.hot = hot;
        this.hotCount = hot == null ? 0 : hotCount;
        this.settings = settings;
        this.link = link;
        this.figures = figures;
        this.pushZero = new ZeroPageDetector(image);
        this.replyZero = new ZeroPageDetector(image);
        final int framePages = Math.max(1, Math.min(settings.pushFramePages, ProtocolDescriptor.MAX_POSTCOPY_PAGES));
        this.pushBytes = BufferUtil.allocateDirectAligned(
            PostcopyPagesDescriptor.frameLength(framePages, framePages, PAGE_SIZE), 4096);
        this.pushFrame = new UnsafeBuffer(pushBytes);
        this.picked = new long[framePages];
        this.pushCompressor = settings.lz4 ? new Lz4BlockCompressor(framePages * PAGE_SIZE, settings.lz4Always) : null;
        this.sent = notPending();
        this.acked = notPending();
    }

    private AtomicPageBitmap notPending()
    {
        final AtomicPageBitmap bitmap = new AtomicPageBitmap(pageCount);
        for (int w = 0, n = pending.wordCount(); w < n; w++)
        {
            bitmap.putWord(w, ~pending.word(w));
        }
        return bitmap;
    }

    /** @return pages the destination acknowledged so far. */
    public long ackedPages()
    {
        return ackedCount.get();
    }

    /**
     * Run the post-copy phase to its end: every page acknowledged.
     *
     * @param initial  the bulk connection, after the pre-copy rounds were written.
     * @param opened the priority connection opened when the session began (so the first demand does not wait
     *                 for a connection and its handshakes), or null to open it now; this phase owns it.
     * @return the bulk connection in use at the end (another one after a reconnect), for END and RESULT.
     */
    public PostcopyConnection run(final PostcopyConnection initial, final PostcopyConnection opened)
    {
        figures.switchNanos = System.nanoTime();
        figures.pagesAtSwitch = total;
        bulk = initial;
        // the destination switches on the last PENDING chunk; a link lost before it never switched
        sendBitmap(bulk.frames(), ProtocolDescriptor.TYPE_POSTCOPY_PENDING, pending, total);
        try
        {
            if (opened != null)
            {
                startPriority(opened);
            }
            else
            {
                openPriority(false);
            }
        }
        catch (final TransferException ex)
        {
            rethrowUnlessLinkFailure(ex);
            reconnect(ex);
        }
        try
        {
            while (ackedCount.get() < total)
            {
                try
                {
                    pushUntilAcked();
                }
                catch (final TransferException ex)
                {
                    rethrowUnlessLinkFailure(ex);
                    reconnect(ex);
                }
            }
            figures.completeNanos = System.nanoTime();
            if (figures.pushEndNanos == 0)
            {
                figures.pushEndNanos = figures.completeNanos;
            }
            joinPriority();
        }
        finally
        {
            final PostcopyConnection last = priority;
            if (last != null)
            {
                last.shutdown();
            }
            joinPriority();
            if (last != null)
            {
                last.retire(figures);
                priority = null;
            }
            figures.pushedPages = pushed.get();
            figures.demandedPages = demands.get();
            figures.prefetchedPages = prefetched.get();
            figures.ackedPages = ackedCount.get();
        }
        return bulk;
    }

    private void rethrowUnlessLinkFailure(final TransferException ex)
    {
        if (fatal != null)
        {
            throw fatal;
        }
        if (ex instanceof PeerErrorException || ex instanceof io.ramshift.engine.TlsException)
        {
            throw ex;
        }
    }

    private void pushUntilAcked()
    {
        final FrameChannel frames = bulk.frames();
        while (ackedCount.get() < total)
        {
            checkLink();
            final int entries = fillPushFrame();
            if (entries > 0)
            {
                final int length = pushBytes.limit();
                final long start = System.nanoTime();
                frames.write(pushBytes);
                if (pushCompressor != null)
                {
                    pushCompressor.written(System.nanoTime() - start, length);
                }
                figures.pushBytes += length;
                if (settings.afterPushFrame != null)
                {
                    settings.afterPushFrame.run();
                }
                continue;
            }
            if (figures.pushEndNanos == 0)
            {
                figures.pushEndNanos = System.nanoTime();
            }
            synchronized (ackMonitor)
            {
                if (ackedCount.get() < total && !linkDown && fatal == null)
                {
                    try
                    {
                        ackMonitor.wait(10);
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        throw new TransferException("interrupted while waiting for post-copy acknowledgements", ex);
                    }
                }
            }
        }
    }

    private void checkLink()
    {
        if (fatal != null)
        {
            throw fatal;
        }
        if (linkDown)
        {
            throw new TransferException("post-copy priority connection lost");
        }
    }

    /** Claim up to a frame of pages not sent yet, in push order, and encode them. */
    private int fillPushFrame()
    {
        final int max = picked.length;
        final AtomicPageBitmap claim = sent;
        int entries = 0;
        long page;
        while (entries < max && (page = nextPushPage(claim)) >= 0)
        {
            picked[entries++] = page;
        }
        if (entries == 0)
        {
            return 0;
        }
        final int data = fillPages(pushPages, pushFrame, ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH, picked, 0, entries,
            pushZero, pageView);
        if (finishPages(pushPages, pushFrame, pushBytes, entries, data, pushCompressor))
        {
            figures.lz4PushFrames++;
        }
        pushed.addAndGet(entries);
        return entries;
    }

    /**
     * Every page is acknowledged: end the priority connection with DONE and let the pusher finish.
     */
    private void sendDone(final FrameChannel frames, final PostcopyDemandFlyweight done)
    {
        done.wrap(frames.out(), 0);
        done.encodeDone(ackedCount.get());
        frames.writeControl(done.frameLength());
        wakePusher();
    }

    /**
     * Start a POSTCOPY_PAGES frame with one entry per page and the bytes of its DATA pages after the entries; a
     * zero page is a ZERO entry without bytes.
     *
     * @return DATA pages in the frame.
     */
    private int fillPages(final PostcopyPagesFlyweight pages, final UnsafeBuffer frame, final int origin,
        final long[] list, final int from, final int entries, final ZeroPageDetector zero, final UnsafeBuffer view)
    {
        pages.wrap(frame, 0);
        pages.start(origin);
        int data = 0;
        final int dataBase = PostcopyPagesDescriptor.ENTRIES_OFFSET + entries * PostcopyPagesDescriptor.ENTRY_LENGTH;
        for (int i = 0; i < entries; i++)
        {
            final long p = list[from + i];
            if (zero.isZero(p))
            {
                pages.entry(i, p, ProtocolDescriptor.RUN_ZERO);
            }
            else
            {
                pages.entry(i, p, ProtocolDescriptor.RUN_DATA);
                view.wrap(image.pageAddress(p), PAGE_SIZE);
                frame.putBytes(dataBase + data * PAGE_SIZE, view, 0, PAGE_SIZE);
                data++;
            }
        }
        return data;
    }

    /**
     * End a frame whose DATA pages sit raw after its entries: as one LZ4 block in their place when the compressor
     * (if any) wants it and it pays, else RAW; then set the buffer's limit to the frame.
     *
     * @return true when sent as LZ4.
     */
    private static boolean finishPages(final PostcopyPagesFlyweight pages, final UnsafeBuffer frame,
        final ByteBuffer bytes, final int entries, final int data, final Lz4BlockCompressor compressor)
    {
        final int dataBase = PostcopyPagesDescriptor.ENTRIES_OFFSET + entries * PostcopyPagesDescriptor.ENTRY_LENGTH;
        int compressed = -1;
        if (data > 0 && compressor != null && compressor.wanted() && compressor.probe(bytes, dataBase))
        {
            compressed = compressor.compress(bytes, dataBase, data * PAGE_SIZE);
        }
        if (compressed > 0)
        {
            frame.putBytes(dataBase, compressor.compressed(), 0, compressed);
            pages.finishLz4(entries, compressed);
        }
        else
        {
            pages.finish(entries, data, PAGE_SIZE);
        }
        bytes.limit(pages.frameLength()).position(0);
        return compressed > 0;
    }

    private long nextPushPage(final AtomicPageBitmap claim)
    {
        while (hotIndex < hotCount)
        {
            final long page = hot[hotIndex++];
            if (page >= 0 && page < pageCount && claim.trySet(page))
            {
                return page;
            }
        }
        final long jump = jumpTo;
        if (jump != lastJump)
        {
            lastJump = jump;
            if (jump >= 0 && jump < pageCount)
            {
                cursor = jump;
            }
        }
        while (true)
        {
            long page = claim.nextClear(cursor);
            if (page < 0)
            {
                page = claim.nextClear(0);
                if (page < 0)
                {
                    return -1;
                }
            }
            cursor = page + 1;
            if (claim.trySet(page))
            {
                return page;
            }
        }
    }

    private void openPriority(final boolean resume)
    {
        final long extra = ProtocolDescriptor.OPTION_POSTCOPY_PRIORITY |
            (resume ? ProtocolDescriptor.OPTION_POSTCOPY_RESUME : 0);
        startPriority(link.open(extra, true));
    }

    private void startPriority(final PostcopyConnection connection)
    {
        priority = connection;
        linkDown = false;
        final Thread thread = new Thread(() -> servePriority(connection), "ramshift-postcopy-priority");
        thread.setDaemon(true);
        priorityThread = thread;
        thread.start();
    }

    private void joinPriority()
    {
        final Thread thread = priorityThread;
        if (thread == null)
        {
            return;
        }
        try
        {
            thread.join(JOIN_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        priorityThread = null;
    }

    /** The priority thread: demands in, replies out, acknowledgements in; DONE once every page is acknowledged. */
    private void servePriority(final PostcopyConnection connection)
    {
        final FrameChannel frames = connection.frames();
        final PostcopyDemandFlyweight demand = new PostcopyDemandFlyweight();
        final PostcopyAckFlyweight ack = new PostcopyAckFlyweight();
        final int replyPages = 1 + Math.max(0, Math.min(settings.prefetchPages, ProtocolDescriptor.MAX_POSTCOPY_PAGES - 1));
        final ByteBuffer replyBytes = BufferUtil.allocateDirectAligned(
            PostcopyPagesDescriptor.frameLength(replyPages, replyPages, PAGE_SIZE), 4096);
        final UnsafeBuffer reply = new UnsafeBuffer(replyBytes);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        final PostcopyPagesFlyweight pages = new PostcopyPagesFlyweight();
        final long[] replyList = new long[replyPages];
        final Lz4BlockCompressor replyCompressor = settings.lz4 && settings.lz4Replies ?
            new Lz4BlockCompressor(replyPages * PAGE_SIZE, true) : null;
        try
        {
            if (ackedCount.get() >= total)
            {
                // a resume found nothing missing: end the priority connection at once
                sendDone(frames, demand);
                return;
            }
            while (true)
            {
                final int type = frames.readFrame("POSTCOPY_DEMAND or POSTCOPY_ACK");
                if (type == ProtocolDescriptor.TYPE_POSTCOPY_DEMAND)
                {
                    demand.wrap(frames.in(), 0);
                    demand.validateDemand(pageCount);
                    final long page = demand.value();
                    final AtomicPageBitmap claim = sent;
                    // the demanded page goes even if a push carries it already: a reader waits for it now
                    claim.trySet(page);
                    int entries = 0;
                    replyList[entries++] = page;
                    for (long next = page + 1; entries < replyPages && next < pageCount; next++)
                    {
                        if (claim.trySet(next))
                        {
                            replyList[entries++] = next;
                        }
                    }
                    jumpTo = Math.min(pageCount - 1, replyList[entries - 1] + 1);
                    // the demanded page alone first: on a slow link the reader waits for 4 KiB, not for its
                    // neighbours too; they follow at once in a PREFETCH frame
                    final int data = fillPages(pages, reply, ProtocolDescriptor.POSTCOPY_ORIGIN_DEMAND, replyList,
                        0, 1, replyZero, view);
                    finishPages(pages, reply, replyBytes, 1, data, replyCompressor);
                    frames.write(replyBytes);
                    if (entries > 1)
                    {
                        final int prefetchData = fillPages(pages, reply, ProtocolDescriptor.POSTCOPY_ORIGIN_PREFETCH,
                            replyList, 1, entries - 1, replyZero, view);
                        finishPages(pages, reply, replyBytes, entries - 1, prefetchData, replyCompressor);
                        frames.write(replyBytes);
                    }
                    demands.incrementAndGet();
                    prefetched.addAndGet(entries - 1);
                }
                else if (type == ProtocolDescriptor.TYPE_POSTCOPY_ACK)
                {
                    ack.wrap(frames.in(), 0);
                    ack.validate(pageCount);
                    recordAck(ack);
                    if (ackedCount.get() >= total)
                    {
                        sendDone(frames, demand);
                        return;
                    }
                }
                else
                {
                    throw new LayoutException("expected POSTCOPY_DEMAND or POSTCOPY_ACK, got " +
                        ProtocolDescriptor.typeName(type));
                }
            }
        }
        catch (final LayoutException ex)
        {
            frames.sendError(ProtocolDescriptor.ERROR_PROTOCOL, ex.getMessage());
            fatal = new TransferException("malformed post-copy frame from the receiver: " + ex.getMessage(), ex);
            breakLink();
        }
        catch (final PeerErrorException ex)
        {
            fatal = ex;
            breakLink();
        }
        catch (final RuntimeException ex)
        {
            if (ackedCount.get() < total)
            {
                breakLink();
            }
        }
    }

    private void recordAck(final PostcopyAckFlyweight ack)
    {
        final AtomicPageBitmap wasSent = sent;
        final AtomicPageBitmap done = acked;
        long added = 0;
        for (int i = 0, n = ack.runCount(); i < n; i++)
        {
            final long first = ack.firstPage(i);
            for (long page = first, end = first + ack.pageCount(i); page < end; page++)
            {
                if (!wasSent.isSet(page))
                {
                    throw new LayoutException("ACK of a page never sent: page=" + page);
                }
                if (done.trySet(page))
                {
                    added++;
                }
            }
        }
        ackedCount.addAndGet(added);
    }

    private void wakePusher()
    {
        synchronized (ackMonitor)
        {
            ackMonitor.notifyAll();
        }
    }

    private void breakLink()
    {
        linkDown = true;
        final PostcopyConnection b = bulk;
        if (b != null)
        {
            b.shutdown();
        }
        final PostcopyConnection p = priority;
        if (p != null)
        {
            p.shutdown();
        }
        wakePusher();
    }

    /**
     * The link dropped: close both connections, reconnect with backoff within the window, learn what the destination
     * lacks and push it again.
     */
    private void reconnect(final TransferException cause)
    {
        breakLink();
        joinPriority();
        final PostcopyConnection oldPriority = priority;
        if (oldPriority != null)
        {
            oldPriority.retire(figures);
            priority = null;
        }
        bulk.retire(figures);
        final long deadline = System.nanoTime() + settings.reconnectWindowMs * 1_000_000L;
        long backoff = BACKOFF_MIN_MS;
        TransferException last = cause;
        while (System.nanoTime() < deadline)
        {
            PostcopyConnection fresh = null;
            try
            {
                fresh = link.open(ProtocolDescriptor.OPTION_POSTCOPY_RESUME, false);
                bulk = fresh;
                readMissing(fresh.frames());
                openPriority(true);
                figures.reconnects++;
                return;
            }
            catch (final TransferException ex)
            {
                rethrowUnlessLinkFailure(ex);
                last = ex;
                if (fresh != null)
                {
                    fresh.release();
                }
            }
            try
            {
                Thread.sleep(backoff);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
            backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
        }
        fatal = new TransferException("post-copy link lost and not back within the reconnect window of " +
            settings.reconnectWindowMs + " ms: pages not acknowledged=" + (total - ackedCount.get()) + " of " + total +
            " (the source keeps them); last error: " + last.getMessage(), last);
        throw fatal;
    }

    /** Read the destination's bitmap of missing pages; everything else it holds: sent and acknowledged. */
    private void readMissing(final FrameChannel frames)
    {
        final AtomicPageBitmap missing = new AtomicPageBitmap(pageCount);
        readBitmap(frames, ProtocolDescriptor.TYPE_POSTCOPY_MISSING, missing, pageCount);
        final AtomicPageBitmap nowSent = new AtomicPageBitmap(pageCount);
        final AtomicPageBitmap nowAcked = new AtomicPageBitmap(pageCount);
        long missingPending = 0;
        for (int w = 0, n = missing.wordCount(); w < n; w++)
        {
            // only pages of the switch can be missing; anything else the receiver names is ignored
            final long lacks = missing.word(w) & pending.word(w);
            missingPending += Long.bitCount(lacks);
            nowSent.putWord(w, ~lacks);
            nowAcked.putWord(w, ~lacks);
        }
        sent = nowSent;
        acked = nowAcked;
        ackedCount.set(total - missingPending);
        hotIndex = 0;
        cursor = 0;
    }

    /**
     * Send a bitmap as chunks of {@code type}.
     *
     * @param frames     where.
     * @param type       {@code TYPE_POSTCOPY_PENDING} or {@code TYPE_POSTCOPY_MISSING}.
     * @param bitmap     the bits (past the last page clear).
     * @param totalPages bits set.
     */
    static void sendBitmap(final FrameChannel frames, final int type, final AtomicPageBitmap bitmap,
        final long totalPages)
    {
        final int words = bitmap.wordCount();
        final int chunkWords = Math.min(ProtocolDescriptor.MAX_POSTCOPY_BITMAP_WORDS, Math.max(1, words));
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(PostcopyBitmapDescriptor.frameLength(chunkWords), 64);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final PostcopyBitmapFlyweight chunk = new PostcopyBitmapFlyweight();
        int w = 0;
        do
        {
            final int n = Math.min(chunkWords, words - w);
            chunk.wrap(buffer, 0);
            chunk.encode(type, (long)w << 6, n, w + n >= words, totalPages);
            for (int i = 0; i < n; i++)
            {
                chunk.word(i, bitmap.word(w + i));
            }
            bytes.limit(chunk.frameLength()).position(0);
            frames.write(bytes);
            w += n;
        }
        while (w < words);
    }

    /**
     * Read a bitmap sent by {@link #sendBitmap}; the first chunk may already be in the frame buffer.
     *
     * @param frames    where from.
     * @param type      expected type.
     * @param into      receives the bits.
     * @param pageCount pages of the image.
     * @return the bits set.
     */
    static long readBitmap(final FrameChannel frames, final int type, final AtomicPageBitmap into,
        final long pageCount)
    {
        final PostcopyBitmapFlyweight chunk = new PostcopyBitmapFlyweight();
        long first = 0;
        long counted = 0;
        while (true)
        {
            final int got = frames.readFrame(ProtocolDescriptor.typeName(type));
            if (got != type)
            {
                throw new LayoutException("expected " + ProtocolDescriptor.typeName(type) + ", got " +
                    ProtocolDescriptor.typeName(got));
            }
            if (addChunk(chunk.wrap(frames.in(), 0), type, into, pageCount, first))
            {
                counted = into.cardinality();
                if (counted != chunk.totalPages())
                {
                    throw new LayoutException("bitmap total disagrees with its bits: totalPages=" +
                        chunk.totalPages() + " counted=" + counted);
                }
                return counted;
            }
            first += 64L * chunk.wordCount();
        }
    }

    /**
     * Validate and take one chunk.
     *
     * @return true on the last chunk.
     */
    static boolean addChunk(final io.ramshift.layout.FrameFlyweight frame, final int type,
        final AtomicPageBitmap into, final long pageCount, final long expectedFirst)
    {
        final PostcopyBitmapFlyweight chunk = (PostcopyBitmapFlyweight)frame;
        chunk.validate(type, pageCount, expectedFirst);
        final int base = (int)(expectedFirst >>> 6);
        for (int i = 0, n = chunk.wordCount(); i < n; i++)
        {
            into.putWord(base + i, chunk.word(i));
        }
        return chunk.last();
    }
}
