package io.ramshift.engine.postcopy;

import io.ramshift.engine.PeerErrorException;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.AtomicPageBitmap;
import io.ramshift.engine.image.DestinationFile;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.transfer.FrameChannel;
import io.ramshift.engine.transfer.Lz4BlockDecoder;
import io.ramshift.engine.transfer.PageHashLedger;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.PostcopyAckDescriptor;
import io.ramshift.layout.PostcopyAckFlyweight;
import io.ramshift.layout.PostcopyBitmapFlyweight;
import io.ramshift.layout.PostcopyDemandFlyweight;
import io.ramshift.layout.PostcopyPagesFlyweight;
import io.ramshift.layout.ProtocolDescriptor;
import org.agrona.BufferUtil;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * The destination's side of post-copy: takes the bitmap of pages not current, starts the readers at once over a
 * {@link PostcopyImage}, applies pushed pages from the bulk connection and demand replies from the priority
 * connection, acknowledges applied pages, and when the link drops keeps listening for the sender's reconnect
 * within the window (readers wait meanwhile), telling it which pages are still missing.
 */
public final class PostcopyDestination
{
    /** Accepts the next connection of this session on the receiver's listening socket. */
    public interface Acceptor
    {
        /**
         * @param extraOptions the option bits the connection must carry beyond the session's (PRIORITY, RESUME).
         * @param deadlineNanos give up at this nanosecond clock.
         * @param blocking      true for a connection read and written by two threads (no idle timeout).
         * @return the connection, its HELLO checked and acknowledged.
         */
        PostcopyConnection accept(long extraOptions, long deadlineNanos, boolean blocking);
    }

    private static final long JOIN_MS = 10_000;

    private final PostcopySettings settings;
    private final Acceptor acceptor;
    private final long pageCount;
    private final MappedImage view;
    private final DestinationFile file;
    private final PageHashLedger ledger;
    private final AtomicPageBitmap received;
    private final PostcopyFigures figures;
    private final Object priorityWrite = new Object();
    private final PostcopyDemandFlyweight demandFrame = new PostcopyDemandFlyweight();
    private PostcopyImage image;
    private PostcopyConnection bulk;
    private volatile PostcopyConnection priority;
    private volatile boolean linkDown;
    private volatile boolean finished;
    private volatile RuntimeException fatal;
    private Thread priorityThread;
    private Thread ackThread;
    /** Demands written and replies read on the current priority connection (each demand gets one reply). */
    private final AtomicLong demandsWritten = new AtomicLong();
    private final AtomicLong repliesRead = new AtomicLong();
    /** When the priority connection last answered, or a wait for it began (nanosecond clock). */
    private volatile long heardNanos;

    /**
     * @param settings  reconnect window, ack pacing, the switch callback.
     * @param acceptor  accepts the priority connection and reconnects.
     * @param view      read-only mapping of the destination.
     * @param file      the destination.
     * @param ledger    hashes of the pages applied.
     * @param received  pages this session wrote.
     * @param figures   where this end's figures go.
     */
    public PostcopyDestination(final PostcopySettings settings, final Acceptor acceptor, final MappedImage view,
        final DestinationFile file, final PageHashLedger ledger, final AtomicPageBitmap received,
        final PostcopyFigures figures)
    {
        this.settings = settings;
        this.acceptor = acceptor;
        this.pageCount = received.pageCount();
        this.view = view;
        this.file = file;
        this.ledger = ledger;
        this.received = received;
        this.figures = figures;
    }

    /** @return the image readers use (after the switch), or null. */
    public PostcopyImage image()
    {
        return image;
    }

    /**
     * Run post-copy to its end. The first POSTCOPY_PENDING chunk is in the bulk connection's frame buffer.
     *
     * @param initial  the bulk connection.
     * @param accepted the priority connection accepted when the session began, or null to accept it now; this
     *                 phase owns it.
     * @return the bulk connection in use at the end, END in its frame buffer.
     */
    public PostcopyConnection run(final PostcopyConnection initial, final PostcopyConnection accepted)
    {
        bulk = initial;
        final AtomicPageBitmap pending = new AtomicPageBitmap(pageCount);
        readPending(initial.frames(), pending);
        figures.switchNanos = System.nanoTime();
        image = new PostcopyImage(view, file, ledger, received, pending, figures);
        if (image.missingPages() == 0)
        {
            figures.completeNanos = figures.switchNanos;
        }
        if (settings.onSwitch != null)
        {
            settings.onSwitch.accept(image);
        }
        try
        {
            try
            {
                startPriority(accepted != null ? accepted : acceptor.accept(
                    ProtocolDescriptor.OPTION_POSTCOPY_PRIORITY,
                    System.nanoTime() + settings.reconnectWindowMs * 1_000_000L, true));
            }
            catch (final TransferException ex)
            {
                rethrowUnlessLinkFailure(ex);
                reconnect(ex);
            }
            ackThread = new Thread(this::acknowledge, "ramshift-postcopy-ack");
            ackThread.setDaemon(true);
            ackThread.start();
            final PostcopyPagesFlyweight pages = new PostcopyPagesFlyweight();
            final Lz4BlockDecoder decoder = new Lz4BlockDecoder(ProtocolDescriptor.MAX_POSTCOPY_PAGES * PAGE_SIZE);
            while (true)
            {
                try
                {
                    if (receivePushes(pages, decoder))
                    {
                        break;
                    }
                }
                catch (final TransferException ex)
                {
                    rethrowUnlessLinkFailure(ex);
                    reconnect(ex);
                }
            }
            if (image.missingPages() != 0)
            {
                throw new LayoutException("END before every post-copy page arrived: missing=" + image.missingPages());
            }
            joinPriority();
            return bulk;
        }
        catch (final RuntimeException ex)
        {
            image.fail(ex);
            if (bulk != initial)
            {
                // a connection of a reconnect: nobody else closes it
                bulk.release();
            }
            throw ex;
        }
        finally
        {
            finished = true;
            join(ackThread);
            final PostcopyConnection last = priority;
            if (last != null)
            {
                last.shutdown();
                joinPriority();
                last.retire(figures);
                priority = null;
            }
            image.fillFigures();
        }
    }

    private void readPending(final FrameChannel frames, final AtomicPageBitmap pending)
    {
        final PostcopyBitmapFlyweight chunk = new PostcopyBitmapFlyweight();
        long first = 0;
        while (!PostcopySource.addChunk(chunk.wrap(frames.in(), 0), ProtocolDescriptor.TYPE_POSTCOPY_PENDING, pending,
            pageCount, first))
        {
            first += 64L * chunk.wordCount();
            final int type = frames.readFrame("POSTCOPY_PENDING");
            if (type != ProtocolDescriptor.TYPE_POSTCOPY_PENDING)
            {
                throw new LayoutException("expected POSTCOPY_PENDING, got " + ProtocolDescriptor.typeName(type));
            }
        }
        final long counted = pending.cardinality();
        if (counted != chunk.totalPages())
        {
            throw new LayoutException("bitmap total disagrees with its bits: totalPages=" + chunk.totalPages() +
                " counted=" + counted);
        }
    }

    /** @return true at END. */
    private boolean receivePushes(final PostcopyPagesFlyweight pages, final Lz4BlockDecoder decoder)
    {
        final FrameChannel frames = bulk.frames();
        final ByteBuffer data = frames.inBytes().duplicate();
        while (true)
        {
            final int type = frames.readFrame("POSTCOPY_PAGES or END");
            if (fatal != null)
            {
                throw fatal;
            }
            if (type == ProtocolDescriptor.TYPE_END)
            {
                return true;
            }
            if (type != ProtocolDescriptor.TYPE_POSTCOPY_PAGES)
            {
                throw new LayoutException("expected POSTCOPY_PAGES or END, got " + ProtocolDescriptor.typeName(type));
            }
            applyFrame(pages, frames, data, decoder, false);
        }
    }

    private void applyFrame(final PostcopyPagesFlyweight pages, final FrameChannel frames, final ByteBuffer frame,
        final Lz4BlockDecoder decoder, final boolean reply)
    {
        pages.wrap(frames.in(), 0);
        pages.validate(pageCount, PAGE_SIZE);
        final int origin = pages.origin();
        if (reply == (origin == ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH))
        {
            throw new LayoutException("POSTCOPY_PAGES of origin " + pages.origin() + " on the " +
                (reply ? "priority" : "bulk") + " connection");
        }
        final int entries = pages.entryCount();
        final ByteBuffer data;
        int position = pages.dataOffset(entries);
        if (pages.encoding() == ProtocolDescriptor.ENCODING_LZ4)
        {
            // validate() checked the block is shorter than the pages it announces; its decoded size is checked here
            data = decoder.decode(frame, position, pages.payloadLength(entries),
                pages.dataPages(entries) * PAGE_SIZE, "first page", pages.page(0));
            position = 0;
        }
        else
        {
            data = frame;
        }
        for (int i = 0; i < entries; i++)
        {
            final int from = !reply ? PostcopyImage.FROM_PUSH :
                i == 0 && origin == ProtocolDescriptor.POSTCOPY_ORIGIN_DEMAND ? PostcopyImage.FROM_DEMAND :
                PostcopyImage.FROM_PREFETCH;
            if (pages.kind(i) == ProtocolDescriptor.RUN_ZERO)
            {
                image.apply(pages.page(i), null, from);
            }
            else
            {
                data.limit(position + PAGE_SIZE).position(position);
                image.apply(pages.page(i), data, from);
                position += PAGE_SIZE;
            }
        }
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

    private void startPriority(final PostcopyConnection connection)
    {
        demandsWritten.set(0);
        repliesRead.set(0);
        heardNanos = System.nanoTime();
        priority = connection;
        linkDown = false;
        final Thread thread = new Thread(() -> servePriority(connection), "ramshift-postcopy-replies");
        thread.setDaemon(true);
        priorityThread = thread;
        thread.start();
        image.demandSink(this::sendDemand);
        // demands made while no connection was up go now
        for (int w = 0, n = image.wordCount(); w < n; w++)
        {
            long bits = image.missingWord(w);
            while (bits != 0)
            {
                final long page = ((long)w << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                if (image.isOutstanding(page))
                {
                    sendDemand(page);
                }
            }
        }
    }

    private void sendDemand(final long page)
    {
        final PostcopyConnection connection = priority;
        if (connection == null || linkDown)
        {
            return;
        }
        try
        {
            synchronized (priorityWrite)
            {
                final FrameChannel frames = connection.frames();
                demandFrame.wrap(frames.out(), 0);
                demandFrame.encodeDemand(page);
                if (demandsWritten.get() == repliesRead.get())
                {
                    // nothing was outstanding: the wait for an answer starts now
                    heardNanos = System.nanoTime();
                }
                frames.writeControl(demandFrame.frameLength());
                demandsWritten.incrementAndGet();
            }
        }
        catch (final RuntimeException ex)
        {
            breakLink();
        }
    }

    /** The priority thread: demand replies in, until DONE. */
    private void servePriority(final PostcopyConnection connection)
    {
        final FrameChannel frames = connection.frames();
        final ByteBuffer data = frames.inBytes().duplicate();
        final PostcopyPagesFlyweight pages = new PostcopyPagesFlyweight();
        final PostcopyDemandFlyweight done = new PostcopyDemandFlyweight();
        final Lz4BlockDecoder decoder = new Lz4BlockDecoder(ProtocolDescriptor.MAX_POSTCOPY_PAGES * PAGE_SIZE);
        try
        {
            while (true)
            {
                final int type = frames.readFrame("POSTCOPY_PAGES or POSTCOPY_DONE");
                if (type == ProtocolDescriptor.TYPE_POSTCOPY_DONE)
                {
                    done.wrap(frames.in(), 0);
                    done.validateDone(pageCount);
                    return;
                }
                if (type != ProtocolDescriptor.TYPE_POSTCOPY_PAGES)
                {
                    throw new LayoutException("expected POSTCOPY_PAGES or POSTCOPY_DONE, got " +
                        ProtocolDescriptor.typeName(type));
                }
                applyFrame(pages, frames, data, decoder, true);
                heardNanos = System.nanoTime();
                // a PREFETCH frame follows the reply to its demand: one demand, one reply
                if (pages.origin() == ProtocolDescriptor.POSTCOPY_ORIGIN_DEMAND)
                {
                    repliesRead.incrementAndGet();
                }
            }
        }
        catch (final LayoutException ex)
        {
            frames.sendError(ProtocolDescriptor.ERROR_PROTOCOL, ex.getMessage());
            fatal = new TransferException("malformed post-copy frame from the sender: " + ex.getMessage(), ex);
            breakLink();
        }
        catch (final PeerErrorException ex)
        {
            fatal = ex;
            breakLink();
        }
        catch (final RuntimeException ex)
        {
            if (!finished)
            {
                breakLink();
            }
        }
    }

    /** The acknowledgement thread: applied pages as runs, every interval or every so many pages. */
    private void acknowledge()
    {
        final LongArrayList pages = new LongArrayList();
        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(
            PostcopyAckDescriptor.frameLength(ProtocolDescriptor.MAX_POSTCOPY_ACK_RUNS), 64);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final PostcopyAckFlyweight ack = new PostcopyAckFlyweight();
        long lastAck = System.nanoTime();
        final long intervalNanos = settings.ackIntervalMs * 1_000_000L;
        final long pollMs = Math.max(1, Math.min(8, settings.ackIntervalMs / 4));
        final long demandTimeoutNanos = settings.demandTimeoutMs * 1_000_000L;
        while (!finished)
        {
            final long now = System.nanoTime();
            if (demandTimeoutNanos > 0 && !linkDown && priority != null &&
                demandsWritten.get() > repliesRead.get() && now - heardNanos > demandTimeoutNanos)
            {
                // a demand unanswered for --io-timeout: the priority link is dead although no error was seen
                figures.demandTimeouts++;
                breakLink();
            }
            final int waiting = image.unackedCount();
            if (waiting > 0 && (waiting >= settings.ackPages || now - lastAck >= intervalNanos ||
                image.missingPages() == 0))
            {
                final PostcopyConnection connection = priority;
                if (connection != null && !linkDown)
                {
                    pages.clear();
                    image.drainUnacked(pages);
                    sendAcks(connection, pages, ack, buffer, bytes);
                    lastAck = now;
                    continue;
                }
            }
            try
            {
                Thread.sleep(pollMs);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    private void sendAcks(final PostcopyConnection connection, final LongArrayList pages,
        final PostcopyAckFlyweight ack, final UnsafeBuffer buffer, final ByteBuffer bytes)
    {
        try
        {
            int i = 0;
            final int n = pages.size();
            while (i < n)
            {
                ack.wrap(buffer, 0);
                int runs = 0;
                while (i < n && runs < ProtocolDescriptor.MAX_POSTCOPY_ACK_RUNS)
                {
                    final long first = pages.getLong(i);
                    long count = 1;
                    i++;
                    while (i < n && pages.getLong(i) == first + count)
                    {
                        count++;
                        i++;
                    }
                    ack.run(runs++, first, count);
                }
                ack.finish(runs);
                bytes.limit(ack.frameLength()).position(0);
                synchronized (priorityWrite)
                {
                    connection.frames().write(bytes);
                }
            }
            figures.ackedPages += n;
        }
        catch (final RuntimeException ex)
        {
            // the pages stay applied; a reconnect tells the sender through the missing bitmap
            breakLink();
        }
    }

    private void breakLink()
    {
        // once every page is here, a failing priority connection (closed by the sender after DONE) changes nothing
        if (finished || image != null && image.missingPages() == 0 && fatal == null)
        {
            return;
        }
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
    }

    private void joinPriority()
    {
        join(priorityThread);
        priorityThread = null;
    }

    private static void join(final Thread thread)
    {
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
    }

    /**
     * The link dropped: close both connections and wait within the window for the sender's resume; tell it what is
     * missing; take its new priority connection. Readers keep waiting meanwhile.
     */
    private void reconnect(final TransferException cause)
    {
        breakLink();
        image.demandSink(null);
        joinPriority();
        final PostcopyConnection oldPriority = priority;
        if (oldPriority != null)
        {
            oldPriority.retire(figures);
            priority = null;
        }
        bulk.retire(figures);
        final long deadline = System.nanoTime() + settings.reconnectWindowMs * 1_000_000L;
        TransferException last = cause;
        while (System.nanoTime() < deadline)
        {
            PostcopyConnection fresh = null;
            try
            {
                fresh = acceptor.accept(ProtocolDescriptor.OPTION_POSTCOPY_RESUME, deadline, false);
                bulk = fresh;
                sendMissing(fresh.frames());
                startPriority(acceptor.accept(ProtocolDescriptor.OPTION_POSTCOPY_PRIORITY |
                    ProtocolDescriptor.OPTION_POSTCOPY_RESUME, deadline, true));
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
        }
        final TransferException lost = new TransferException("post-copy link lost and the sender did not come " +
            "back within the reconnect window of " + settings.reconnectWindowMs + " ms: pages missing=" +
            image.missingPages() + " of " + figures.pagesAtSwitch + " (the destination keeps the pages that " +
            "arrived); last error: " + last.getMessage(), last);
        fatal = lost;
        image.fail(lost);
        throw lost;
    }

    private void sendMissing(final FrameChannel frames)
    {
        final AtomicPageBitmap missing = new AtomicPageBitmap(pageCount);
        long total = 0;
        for (int w = 0, n = image.wordCount(); w < n; w++)
        {
            final long bits = image.missingWord(w);
            missing.putWord(w, bits);
            total += Long.bitCount(bits);
        }
        // what was applied but not acknowledged is now told by this bitmap
        image.drainUnacked(new LongArrayList());
        PostcopySource.sendBitmap(frames, ProtocolDescriptor.TYPE_POSTCOPY_MISSING, missing, total);
    }
}
