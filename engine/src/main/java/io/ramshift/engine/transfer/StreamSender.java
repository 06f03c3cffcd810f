package io.ramshift.engine.transfer;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.ImageStamp;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.image.PageViews;
import io.ramshift.engine.image.SourceImage;
import io.ramshift.engine.scan.ImageScanner;
import io.ramshift.engine.scan.PageClass;
import io.ramshift.engine.scan.RunConsumer;
import io.ramshift.layout.DeviceStateDescriptor;
import io.ramshift.layout.DeviceStateFlyweight;
import io.ramshift.layout.EndFlyweight;
import io.ramshift.layout.HelloAckFlyweight;
import io.ramshift.layout.HelloFlyweight;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.ResultFlyweight;
import org.agrona.collections.Long2LongHashMap;

import java.nio.ByteBuffer;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * One stream of a send: its own connection, scanner, batch encoder, digest and duplicate table over one slice
 * of the image. Duplicates are found by xxh3 and confirmed byte for byte before a reference is sent, so a hash
 * collision can never put the wrong bytes in the destination.
 */
final class StreamSender implements RunConsumer, Runnable, RoundSender
{
    private static final long MISSING = -1L;

    private final MappedImage image;
    private final FreePageBitmap bitmap;
    private FrameChannel frames;
    private java.nio.channels.ByteChannel channel;
    private io.ramshift.engine.postcopy.PostcopyFigures postcopyFigures;
    private io.ramshift.engine.postcopy.PostcopyConnection postcopyBulk;
    private io.ramshift.engine.postcopy.PostcopyConnection postcopyPriority;
    private final TransferOptions options;
    private final long sessionId;
    private final int streamIndex;
    private final int streamCount;
    private final long fromPage;
    private final long toPage;
    private final BatchWriter writer;
    private PageBatchEncoder encoder;
    private final ImageDigest digest = new ImageDigest();
    private final Long2LongHashMap firstPageByHash;
    private final PageViews viewsA;
    private final PageViews viewsB;
    private final HelloFlyweight hello = new HelloFlyweight();
    private final HelloAckFlyweight helloAck = new HelloAckFlyweight();
    private final EndFlyweight end = new EndFlyweight();
    private final ResultFlyweight result = new ResultFlyweight();
    private final TransferStats stats = new TransferStats();

    private final TransferProgress progress;
    private PageHashLedger ledger;
    private final boolean hashStaged;
    private BackgroundHashes sourceHashes;
    private ImageStamp sourceStamp;
    private java.nio.file.Path sourcePath;
    private ImageScanner roundScanner;
    private DataExtents extents;
    private long batchStartNanos;
    private long sequence;
    private int pieceKind = -1;
    private long pieceFirst;
    private long pieceCount;
    private long pieceReference;

    /** Result frame fields, read after the stream ends. */
    int resultStatus = -1;
    long resultPages;
    long resultDigest;
    long resultBytesWritten;
    int destinationState;
    RuntimeException failure;
    private DataExtents.Lookup extentsLookup;
    private boolean writerStarted;
    private SourceImage source;
    private ResumePlan resume;
    private long[] durable;

    StreamSender(final MappedImage image, final FreePageBitmap bitmap, final FrameChannel frames,
        final TransferOptions options, final long sessionId, final int streamIndex, final int streamCount,
        final long fromPage, final long toPage)
    {
        this.image = image;
        this.bitmap = bitmap;
        this.frames = frames;
        this.options = options;
        this.sessionId = sessionId;
        this.streamIndex = streamIndex;
        this.streamCount = streamCount;
        this.fromPage = fromPage;
        this.toPage = toPage;
        final PageBatchEncoder[] pool = new PageBatchEncoder[options.pipelineDepth];
        for (int i = 0; i < pool.length; i++)
        {
            // a live image keeps changing: copy pages when batched so the hash recorded is of the bytes sent
            // a delta sends few pages: bytes matter more than the CPU LZ4 costs, whatever the link
            pool[i] = new PageBatchEncoder(image, options.batchDataPages, options.batchRuns, options.lz4,
                options.lz4Always || options.delta, options.live != null);
        }
        this.writer = new BatchWriter(frames, pool, options.progress, "ramshift-send-writer-" + streamIndex);
        this.encoder = writer.current();
        // a live session never sends DUP: the earlier page may change before the reference is applied
        this.firstPageByHash = options.dedup && options.live == null ? new Long2LongHashMap(MISSING) : null;
        this.ledger = options.live != null ? new PageHashLedger(image.pageCount()) : null;
        this.hashStaged = options.live != null;
        this.progress = options.progress;
        this.viewsA = new PageViews(image);
        this.viewsB = new PageViews(image);
    }

    /**
     * @param channel the connection under {@code frames} (closed to break a post-copy link).
     */
    void channel(final java.nio.channels.ByteChannel channel)
    {
        this.channel = channel;
    }

    void extents(final DataExtents.Lookup lookup, final SourceImage source)
    {
        this.extentsLookup = lookup;
        this.source = source;
    }

    /**
     * @param stamp the source file's identity when the transfer began (a snapshot: it must not change).
     */
    void sourceStamp(final ImageStamp stamp, final java.nio.file.Path path)
    {
        this.sourceStamp = stamp;
        this.sourcePath = path;
    }

    private void checkSourceUnchanged()
    {
        if (sourceStamp == null)
        {
            return;
        }
        final String changes = sourceStamp.changes(ImageStamp.of(sourcePath));
        if (changes != null)
        {
            // a snapshot read while something wrote it is not a snapshot: refuse rather than copy it inconsistent
            throw new ImageException("source image changed during the transfer (use --live for a guest that " +
                "keeps running): path=" + sourcePath + " " + changes);
        }
    }

    /**
     * @param plan the session's resume offer (stream 0 exchanges it, every stream skips its durable pages).
     */
    void resume(final ResumePlan plan)
    {
        this.resume = plan;
    }

    void sourceHashes(final BackgroundHashes hashes)
    {
        this.sourceHashes = hashes;
    }

    DataExtents extentsUsed()
    {
        return extents;
    }

    private DataExtents resolveExtents()
    {
        if (source != null)
        {
            // one SourceImage is shared by every stream; it computes its extents once
            synchronized (source)
            {
                return source.extents(options.detectHoles);
            }
        }
        return extentsLookup != null ? extentsLookup.join() : DataExtents.whole(image.size());
    }

    TransferStats stats()
    {
        return stats;
    }

    public void run()
    {
        try
        {
            // with TLS: no HELLO before the receiver's certificate was checked
            frames.handshake();
            stats.tls = frames.tlsSession();
            hello.wrap(frames.out(), 0);
            hello.encode(PAGE_SIZE, image.size(), options.helloOptions() |
                (resume != null ? ProtocolDescriptor.OPTION_RESUME : 0), sessionId, streamIndex, streamCount);
            final byte[] helloBytes = new byte[hello.frameLength()];
            frames.out().getBytes(0, helloBytes);
            frames.writeControl(hello.frameLength());
            if (options.authenticator != null)
            {
                options.authenticator.prove(frames, helloBytes);
            }
            final int type = frames.readFrame("HELLO_ACK");
            if (type != ProtocolDescriptor.TYPE_HELLO_ACK)
            {
                throw new LayoutException("expected HELLO_ACK, got " + ProtocolDescriptor.typeName(type));
            }
            helloAck.wrap(frames.in(), 0);
            helloAck.validate(sessionId);
            destinationState = helloAck.destinationState();
            if (options.postcopy != null && options.live != null)
            {
                // the priority connection is set up now (TLS and key included), not when the first demand waits
                postcopyPriority = openPostcopyConnection(ProtocolDescriptor.OPTION_POSTCOPY_PRIORITY, true);
            }
            extents = options.delta ? null : resolveExtents();
            FreePageBitmap scanBitmap = bitmap;
            if (resume != null)
            {
                // stream 0 asks; every stream waits for the answer before its first page
                if (streamIndex == 0)
                {
                    resume.answer(new ResumeExchange(frames, image.pageCount()).offer(resume.identity()), bitmap,
                        image.pageCount());
                }
                resume.await();
                stats.resumeStatus = resume.status();
                durable = resume.durable();
                scanBitmap = resume.scanBitmap();
            }
            PageHashLedger source = null;
            if (options.delta)
            {
                source = sourceHashes.join();
                final DeltaExchange exchange = new DeltaExchange(frames, image.pageCount());
                ledger = exchange.learn(source, bitmap == null);
                stats.differingChunks = exchange.differingChunks();
                // the digest starts as the destination's whole image; every page sent replaces its term
                digest.addDelta(ledger.digest());
            }
            writer.start();
            writerStarted = true;
            try
            {
                if (options.delta)
                {
                    new DeltaPlanner(image, bitmap, source, ledger).plan(this);
                }
                else if (options.live != null && options.live.postcopyFromStart())
                {
                    // pure post-copy: no bulk round; the rounds switch at once and every page travels after it
                }
                else
                {
                    new ImageScanner(image, scanBitmap, extents).scan(fromPage, toPage, this);
                }
            }
            catch (final InternalError ex)
            {
                // the JVM turns SIGBUS on a mapping whose file shrank into an InternalError
                throw new ImageException("source image changed while read (truncated?): path=" + image.path() +
                    " size=" + image.size() + ": " + ex.getMessage(), ex);
            }
            flushPiece();
            if (options.live != null)
            {
                options.live.rounds(this);
                flushPiece();
            }
            sequence = writer.finish(batchStartNanos);
            stats.batches = sequence;
            writerStarted = false;
            if (options.afterLastPage != null)
            {
                options.afterLastPage.run();
            }
            checkSourceUnchanged();
            if (options.deviceState != null && streamIndex == 0)
            {
                sendDeviceState(options.deviceState.take());
            }
            stats.digest = digest.value();
            end.wrap(frames.out(), 0);
            end.encode(sequence, stats.zeroPages, stats.dataPages + stats.dupPages + stats.copyPages,
                stats.zeroRuns + stats.dataRuns + stats.dupRuns + stats.copyRuns, stats.digest);
            frames.writeControl(end.frameLength());
            final int resultType = frames.readFrame("RESULT");
            if (resultType != ProtocolDescriptor.TYPE_RESULT)
            {
                throw new LayoutException("expected RESULT, got " + ProtocolDescriptor.typeName(resultType));
            }
            result.wrap(frames.in(), 0);
            result.validate();
            resultStatus = result.status();
            resultPages = result.pages();
            resultDigest = result.digest();
            resultBytesWritten = result.bytesWritten();
        }
        catch (final ImageException ex)
        {
            stopWriter();
            frames.sendError(ProtocolDescriptor.ERROR_SOURCE, ex.getMessage());
            failure = ex;
        }
        catch (final LayoutException ex)
        {
            stopWriter();
            frames.sendError(ProtocolDescriptor.ERROR_PROTOCOL, ex.getMessage());
            failure = new io.ramshift.engine.TransferException("malformed frame on stream " + streamIndex + ": " +
                ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            stopWriter();
            failure = ex;
        }
        finally
        {
            if (resume != null && streamIndex == 0)
            {
                resume.fail(failure != null ? failure : new io.ramshift.engine.TransferException("stream 0 ended"));
            }
            frames.close();
            writer.addCounters(stats);
            stats.bytesSent = frames.bytesWritten();
            stats.bytesReceived = frames.bytesRead();
            if (postcopyPriority != null)
            {
                // the session ended without a switch
                postcopyPriority.release();
            }
            if (postcopyBulk != null)
            {
                // a bulk connection opened by a post-copy reconnect belongs to this stream
                postcopyBulk.closeIfOwned();
            }
            if (postcopyFigures != null)
            {
                stats.bytesSent += postcopyFigures.retiredBytesWritten;
                stats.bytesReceived += postcopyFigures.retiredBytesRead;
                stats.postcopy = postcopyFigures;
            }
        }
    }

    /**
     * Receives the scanner's runs: counts them, hashes data pages into the digest, replaces pages already sent on
     * this stream by DUP references, and hands the pieces to the batch encoder.
     */
    public void onRun(final int pageClass, final long firstPage, final long pageCount)
    {
        if (progress != null)
        {
            progress.addPages(pageCount);
        }
        if (encoder.isEmpty() && pieceKind < 0)
        {
            batchStartNanos = System.nanoTime();
        }
        if (pageClass == PageClass.FREE)
        {
            if (durable != null)
            {
                skipDurable(firstPage, pageCount);
            }
            else
            {
                stats.freePages += pageCount;
            }
            return;
        }
        if (pageClass == PageClass.ZERO)
        {
            flushPiece();
            stats.zeroPages += pageCount;
            stats.zeroRuns++;
            if (ledger != null)
            {
                for (long page = firstPage, last = firstPage + pageCount; page < last; page++)
                {
                    digest.addDelta(ledger.record(page, ImageDigest.ZERO_PAGE_HASH));
                }
            }
            else
            {
                digest.addZeroRun(firstPage, pageCount);
            }
            long page = firstPage;
            long remaining = pageCount;
            while (remaining > 0)
            {
                final int n = (int)Math.min(remaining, Integer.MAX_VALUE);
                if (!encoder.addZeroRun(page, n))
                {
                    writeBatch();
                    continue;
                }
                page += n;
                remaining -= n;
            }
            return;
        }
        for (long page = firstPage, last = firstPage + pageCount; page < last; page++)
        {
            if (hashStaged)
            {
                // hashed in flushPiece from the copy that is sent
                piece(ProtocolDescriptor.RUN_DATA, page, 0);
                continue;
            }
            final long start = System.nanoTime();
            final long hash = ImageDigest.pageHash(image.pageAddress(page));
            stats.hashNanos += System.nanoTime() - start;
            if (ledger != null)
            {
                digest.addDelta(ledger.record(page, hash));
            }
            else
            {
                digest.addPage(page, hash);
            }
            if (firstPageByHash != null)
            {
                final long earlier = firstPageByHash.get(hash);
                if (earlier == MISSING)
                {
                    firstPageByHash.put(hash, page);
                }
                else if (samePageBytes(earlier, page))
                {
                    piece(ProtocolDescriptor.RUN_DUP, page, earlier);
                    continue;
                }
            }
            piece(ProtocolDescriptor.RUN_DATA, page, 0);
        }
    }

    /**
     * A run of skipped pages, some free, some durable at the destination: durable pages are not sent, but their
     * source hashes count in the digest, which must cover the whole image the receiver verifies.
     */
    private void skipDurable(final long firstPage, final long pageCount)
    {
        final long start = System.nanoTime();
        long count = 0;
        for (long page = firstPage, last = firstPage + pageCount; page < last; page++)
        {
            if ((durable[(int)(page >>> 6)] & (1L << page)) != 0)
            {
                digest.addPage(page, ImageDigest.pageHash(image.pageAddress(page)));
                count++;
            }
        }
        stats.hashNanos += System.nanoTime() - start;
        stats.durablePages += count;
        stats.freePages += pageCount - count;
    }

    private void piece(final int kind, final long page, final long reference)
    {
        if (kind == pieceKind && page == pieceFirst + pieceCount &&
            (kind == ProtocolDescriptor.RUN_DATA || reference == pieceReference + pieceCount) &&
            pieceCount < Integer.MAX_VALUE)
        {
            pieceCount++;
            return;
        }
        flushPiece();
        pieceKind = kind;
        pieceFirst = page;
        pieceCount = 1;
        pieceReference = reference;
    }

    private void flushPiece()
    {
        if (pieceKind < 0)
        {
            return;
        }
        if (pieceKind == ProtocolDescriptor.RUN_DUP)
        {
            if (!encoder.addDupRun(pieceFirst, (int)pieceCount, pieceReference))
            {
                writeBatch();
                encoder.addDupRun(pieceFirst, (int)pieceCount, pieceReference);
            }
            stats.dupPages += pieceCount;
            stats.dupRuns++;
        }
        else if (pieceKind == ProtocolDescriptor.RUN_COPY)
        {
            if (!encoder.addCopyRun(pieceFirst, (int)pieceCount, pieceReference))
            {
                writeBatch();
                encoder.addCopyRun(pieceFirst, (int)pieceCount, pieceReference);
            }
            stats.copyPages += pieceCount;
            stats.copyRuns++;
        }
        else
        {
            long page = pieceFirst;
            long remaining = pieceCount;
            while (remaining > 0)
            {
                final int taken = encoder.addDataRun(page, remaining);
                if (taken == 0)
                {
                    writeBatch();
                    continue;
                }
                if (hashStaged)
                {
                    recordStaged(page, taken);
                }
                page += taken;
                remaining -= taken;
            }
            stats.dataPages += pieceCount;
            stats.dataRuns++;
        }
        pieceKind = -1;
    }

    /**
     * Delta: a changed page whose new content the destination already holds at an unchanged page.
     *
     * @param page      the changed page.
     * @param reference the destination's page with that content.
     * @param hash      the content's hash.
     */
    void copyPage(final long page, final long reference, final long hash)
    {
        if (progress != null)
        {
            progress.addPages(1);
        }
        if (encoder.isEmpty() && pieceKind < 0)
        {
            batchStartNanos = System.nanoTime();
        }
        digest.addDelta(ledger.record(page, hash));
        piece(ProtocolDescriptor.RUN_COPY, page, reference);
    }

    /**
     * Delta: pages the destination already holds as they are; nothing is sent.
     *
     * @param pageCount pages.
     */
    void unchanged(final long pageCount)
    {
        stats.unchangedPages += pageCount;
        if (progress != null)
        {
            progress.addPages(pageCount);
        }
    }

    private void recordStaged(final long firstPage, final int count)
    {
        final long start = System.nanoTime();
        final int firstIndex = encoder.dataPages() - count;
        for (int i = 0; i < count; i++)
        {
            digest.addDelta(ledger.record(firstPage + i,
                ImageDigest.pageHash(encoder.stagedPageAddress(firstIndex + i))));
        }
        stats.hashNanos += System.nanoTime() - start;
    }

    private void sendDeviceState(final ByteBuffer state)
    {
        final long total = state.remaining();
        if (total > ProtocolDescriptor.MAX_DEVICE_STATE_LENGTH)
        {
            throw new ImageException("device state too large: bytes=" + total + " max=" +
                ProtocolDescriptor.MAX_DEVICE_STATE_LENGTH);
        }
        final DeviceStateFlyweight chunk = new DeviceStateFlyweight();
        final int end = state.limit();
        long sent = 0;
        do
        {
            final int length = (int)Math.min(DeviceStateDescriptor.MAX_CHUNK_LENGTH, total - sent);
            chunk.wrap(frames.out(), 0);
            chunk.encode(total, sent, length);
            frames.writeControl(DeviceStateDescriptor.PAYLOAD_OFFSET);
            state.limit(state.position() + length);
            frames.write(state);
            state.limit(end);
            sent += length;
        }
        while (sent < total);
        stats.deviceStateBytes = total;
    }

    private boolean samePageBytes(final long pageA, final long pageB)
    {
        return viewsA.view(pageA, 1).mismatch(viewsB.view(pageB, 1)) < 0;
    }

    /** @return the source image. */
    public MappedImage image()
    {
        return image;
    }

    /**
     * Send pages again as they are now (a live round).
     */
    public void sendPages(final long firstPage, final long pageCount)
    {
        if (roundScanner == null)
        {
            roundScanner = new ImageScanner(image, null, DataExtents.whole(image.size()));
        }
        roundScanner.scan(firstPage, firstPage + pageCount, this);
    }

    /**
     * Put every pending batch on the wire (a live round ends).
     */
    public long flushRound()
    {
        flushPiece();
        writer.flush(batchStartNanos);
        encoder = writer.current();
        batchStartNanos = System.nanoTime();
        return frames.bytesWritten();
    }

    /** @return hashes of the content last sent per page (live sessions only, else null). */
    public PageHashLedger ledger()
    {
        return ledger;
    }

    /**
     * Switch to post-copy: every batch of the rounds goes on the wire, then the post-copy phase runs until the
     * destination acknowledged every pending page; the digest then counts each pending page as the frozen image
     * holds it.
     */
    public void postcopy(final io.ramshift.engine.image.AtomicPageBitmap pending, final long[] hot,
        final int hotCount)
    {
        if (options.postcopy == null)
        {
            throw new IllegalStateException("post-copy switch in a session without post-copy settings");
        }
        flushRound();
        // pushes follow the pre-copy LZ4 rules; replies are compressed only when bytes matter more than a wait
        options.postcopy.lz4 = options.lz4;
        options.postcopy.lz4Always = options.lz4Always;
        options.postcopy.lz4Replies = options.lz4 && options.lz4Always;
        postcopyFigures = new io.ramshift.engine.postcopy.PostcopyFigures();
        final io.ramshift.engine.postcopy.PostcopySource source = new io.ramshift.engine.postcopy.PostcopySource(
            image, pending, hot, hotCount, options.postcopy, this::openPostcopyConnection, postcopyFigures);
        final io.ramshift.engine.postcopy.PostcopyConnection priority = postcopyPriority;
        postcopyPriority = null;
        final io.ramshift.engine.postcopy.PostcopyConnection last = source.run(
            new io.ramshift.engine.postcopy.PostcopyConnection(channel, frames, false), priority);
        frames = last.frames();
        postcopyBulk = last;
        final long start = System.nanoTime();
        for (int w = 0, n = pending.wordCount(); w < n; w++)
        {
            long bits = pending.word(w);
            while (bits != 0)
            {
                final long page = ((long)w << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                digest.addDelta(ledger.record(page, ImageDigest.pageHash(image.pageAddress(page))));
            }
        }
        stats.hashNanos += System.nanoTime() - start;
    }

    public long skipFreePages(final io.ramshift.engine.image.AtomicPageBitmap pending)
    {
        if (bitmap == null)
        {
            return 0;
        }
        long skipped = 0;
        for (int w = 0, n = Math.min(pending.wordCount(), bitmap.wordCount()); w < n; w++)
        {
            final long pendingBits = pending.word(w);
            final long free = pendingBits & bitmap.word(w);
            if (free != 0)
            {
                pending.putWord(w, pendingBits & ~free);
                skipped += Long.bitCount(free);
            }
        }
        stats.freePages += skipped;
        return skipped;
    }

    private io.ramshift.engine.postcopy.PostcopyConnection openPostcopyConnection(final long extraOptions,
        final boolean blocking)
    {
        java.nio.channels.SocketChannel socket = null;
        try
        {
            socket = options.postcopy.connector.connect();
            LoopbackMigration.configure(socket);
            final String peer = "receiver " + socket.getRemoteAddress() + (blocking ? " (priority)" : " (resume)");
            final long timeout = blocking ? 0 : options.ioTimeoutMs;
            final FrameChannel fresh = options.tlsSender == null ?
                new FrameChannel(socket, peer, ProtocolDescriptor.MAX_FRAME_LENGTH, timeout) :
                new FrameChannel(socket, options.tlsSender, peer, ProtocolDescriptor.MAX_FRAME_LENGTH, timeout);
            fresh.handshake();
            final HelloFlyweight h = new HelloFlyweight();
            h.wrap(fresh.out(), 0);
            h.encode(PAGE_SIZE, image.size(), options.helloOptions() | extraOptions, sessionId, 0, 1);
            final byte[] helloBytes = new byte[h.frameLength()];
            fresh.out().getBytes(0, helloBytes);
            fresh.writeControl(h.frameLength());
            if (options.authenticator != null)
            {
                options.authenticator.prove(fresh, helloBytes);
            }
            final int type = fresh.readFrame("HELLO_ACK");
            if (type != ProtocolDescriptor.TYPE_HELLO_ACK)
            {
                throw new LayoutException("expected HELLO_ACK, got " + ProtocolDescriptor.typeName(type));
            }
            final HelloAckFlyweight ack = new HelloAckFlyweight();
            ack.wrap(fresh.in(), 0);
            ack.validate(sessionId);
            return new io.ramshift.engine.postcopy.PostcopyConnection(socket, fresh, true);
        }
        catch (final java.io.IOException ex)
        {
            closeQuietly(socket);
            throw new io.ramshift.engine.TransferException("cannot connect to the receiver for post-copy: " +
                ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(socket);
            throw ex;
        }
    }

    private static void closeQuietly(final java.nio.channels.SocketChannel socket)
    {
        if (socket != null)
        {
            try
            {
                socket.close();
            }
            catch (final java.io.IOException ignore)
            {
                // nothing left to release
            }
        }
    }

    private void writeBatch()
    {
        encoder = writer.submit(batchStartNanos);
        stats.batches++;
        batchStartNanos = System.nanoTime();
    }

    private void stopWriter()
    {
        if (writerStarted)
        {
            writerStarted = false;
            writer.abort();
        }
    }
}
