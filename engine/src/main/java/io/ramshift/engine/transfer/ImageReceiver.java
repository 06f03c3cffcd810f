package io.ramshift.engine.transfer;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.AtomicPageBitmap;
import io.ramshift.engine.image.DestinationFile;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.postcopy.PostcopyConnection;
import io.ramshift.engine.postcopy.PostcopyDestination;
import io.ramshift.engine.postcopy.PostcopyFigures;
import io.ramshift.engine.postcopy.PostcopySettings;
import io.ramshift.engine.scan.ParallelRanges;
import io.ramshift.layout.HelloAckDescriptor;
import io.ramshift.layout.HelloAckFlyweight;
import io.ramshift.layout.HelloDescriptor;
import io.ramshift.layout.HelloFlyweight;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.ResultFlyweight;
import io.ramshift.layout.ResumeDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Receives one image session — one or more streams — into one destination file: validates every frame before
 * it touches the file, and answers RESULT VERIFIED on every stream only after all streams ended, the digest of
 * what was written equals the sender's and the file is synced. If any stream fails, every stream is told and
 * closed, and nothing reports success.
 */
public final class ImageReceiver
{
    private final TransferOptions options;
    private final HelloFlyweight hello = new HelloFlyweight();
    private final UnsafeBuffer helloCopy =
        new UnsafeBuffer(new byte[HelloDescriptor.LENGTH]);
    private final HelloAckFlyweight helloAck = new HelloAckFlyweight();
    private final ResultFlyweight result = new ResultFlyweight();
    private PostcopyConnection postcopyConnection;
    private PostcopyConnection postcopyPriority;

    /**
     * @param options receiver-side settings (resize, noSync).
     */
    public ImageReceiver(final TransferOptions options)
    {
        this.options = options;
    }

    /**
     * Receive a single-stream session over a connected channel into {@code destination}.
     *
     * @param channel     connected, blocking.
     * @param peer        name of the sender for messages.
     * @param destination the one file this receiver may write.
     * @return the receiver's counters, {@code verified} set.
     */
    public TransferStats receive(final ByteChannel channel, final String peer, final Path destination)
    {
        return receive(channel, peer, destination, null);
    }

    /**
     * Accept the first connection of a session on {@code server}, then as many more as its HELLO announces, and
     * receive the session into {@code destination}.
     *
     * @param server      bound, blocking.
     * @param destination the one file this receiver may write.
     * @return the receiver's counters, {@code verified} set.
     */
    public TransferStats receive(final ServerSocketChannel server, final Path destination)
    {
        final SocketChannel first;
        try
        {
            first = server.accept();
            LoopbackMigration.configure(first);
        }
        catch (final IOException ex)
        {
            throw new TransferException("accept failed on " + server + ": " + ex.getMessage(), ex);
        }
        try (SocketChannel ignored = first)
        {
            return receive(first, "sender " + remote(first), destination, server);
        }
        catch (final IOException ex)
        {
            throw new TransferException("cannot close connection: " + ex.getMessage(), ex);
        }
    }

    private TransferStats receive(final ByteChannel firstChannel, final String peer, final Path destination,
        final ServerSocketChannel server)
    {
        final TransferStats total = new TransferStats();
        total.startNanos = System.nanoTime();
        final FrameChannel firstFrames = frames(firstChannel, peer);
        FrameChannel[] streams = new FrameChannel[] {firstFrames};
        SocketChannel[] extra = new SocketChannel[0];
        DestinationFile file = null;
        MappedImage readView = null;
        PostcopyDestination postcopyDestination = null;
        TransferJournal journal = null;
        JournalCheckpoints checkpoints = null;
        try
        {
            // with TLS: the handshake, then HELLO, then the key; only then is the destination opened
            firstFrames.handshake();
            total.tls = firstFrames.tlsSession();
            readHello(firstFrames);
            authenticate(firstFrames);
            final long sessionId = hello.sessionId();
            final long imageSize = hello.imageSize();
            final long pageCount = hello.pageCount();
            final long helloOptions = hello.options();
            final int streamCount = hello.streamCount();
            final boolean sync = !options.noSync && (helloOptions & ProtocolDescriptor.OPTION_NO_SYNC) == 0;
            if (streamCount > 1 && server == null)
            {
                throw new LayoutException("session of " + streamCount + " streams needs a listening receiver");
            }
            final boolean withDeviceState = (helloOptions & ProtocolDescriptor.OPTION_DEVICE_STATE) != 0;
            if (withDeviceState != (options.deviceStateSink != null))
            {
                final String message = withDeviceState ?
                    "the sender sends a device state but this receiver has no hypervisor to load it into" :
                    "this receiver loads a device state into its hypervisor but the sender sends none";
                firstFrames.sendError(ProtocolDescriptor.ERROR_DESTINATION, message);
                throw new DestinationException(message);
            }
            final boolean delta = (helloOptions & ProtocolDescriptor.OPTION_DELTA) != 0;
            final boolean postcopy = (helloOptions & ProtocolDescriptor.OPTION_POSTCOPY) != 0;
            if ((helloOptions & (ProtocolDescriptor.OPTION_POSTCOPY_PRIORITY |
                ProtocolDescriptor.OPTION_POSTCOPY_RESUME)) != 0)
            {
                // a resume after this receiver gave up (window expired, restarted): the session is lost here
                final boolean resume = (helloOptions & ProtocolDescriptor.OPTION_POSTCOPY_RESUME) != 0;
                final String message = "a post-copy " + (resume ? "resume" : "priority connection") + " for a " +
                    "session this receiver does not run (its reconnect window expired, or the receiver restarted): " +
                    "session=" + Long.toHexString(sessionId);
                firstFrames.sendError(resume ? ProtocolDescriptor.ERROR_POSTCOPY_LINK_LOST :
                    ProtocolDescriptor.ERROR_POSTCOPY_RESUME, message);
                throw new TransferException(message);
            }
            if (postcopy && (streamCount != 1 || server == null || withDeviceState || delta ||
                (helloOptions & ProtocolDescriptor.OPTION_LIVE) == 0))
            {
                throw new LayoutException("a post-copy session is live, on one stream of a listening receiver, " +
                    "without device state or delta: streams=" + streamCount + " options=0x" +
                    Long.toHexString(helloOptions));
            }
            if (delta && streamCount != 1)
            {
                throw new LayoutException("a delta session runs on one stream: streams=" + streamCount);
            }
            // refused before the destination is created or resized: the page tables this session needs must fit
            final boolean needsLedger = (helloOptions & ProtocolDescriptor.OPTION_LIVE) != 0 ||
                options.verifyReadBack || withDeviceState || delta;
            final long maxPages = needsLedger ? PageHashLedger.MAX_PAGES : AtomicPageBitmap.MAX_PAGES;
            if (pageCount > maxPages)
            {
                final String message = "image too large for this receiver: pages=" + pageCount + " max=" + maxPages +
                    (needsLedger ? " (a live, delta or read-back session keeps 8 bytes per page)" : "");
                firstFrames.sendError(ProtocolDescriptor.ERROR_DESTINATION, message);
                throw new DestinationException(message);
            }
            total.imagePages = pageCount;
            total.imageBytes = imageSize;
            total.streams = streamCount;
            try
            {
                file = DestinationFile.open(destination, imageSize, options.resize);
            }
            catch (final DestinationException ex)
            {
                firstFrames.sendError(ProtocolDescriptor.ERROR_DESTINATION, ex.getMessage());
                throw ex;
            }
            total.destinationState = file.state();
            final boolean resumable = (helloOptions & ProtocolDescriptor.OPTION_RESUME) != 0;
            if (resumable && (delta || withDeviceState || (helloOptions & ProtocolDescriptor.OPTION_LIVE) != 0))
            {
                throw new LayoutException("RESUME in a live, delta or device-state session: options=0x" +
                    Long.toHexString(helloOptions));
            }
            if (!resumable)
            {
                // from here until it verifies, the destination is marked incomplete on disk (nothing durable: a
                // live or delta session, or a sender that cannot name its source, does not resume)
                journal = TransferJournal.begin(destination, imageSize, pageCount, sessionId, 0, null);
            }
            streams = new FrameChannel[streamCount];
            streams[hello.streamIndex()] = firstFrames;
            extra = new SocketChannel[streamCount - 1];
            acceptStreams(server, streams, extra, sessionId, imageSize, helloOptions, streamCount);
            for (final FrameChannel stream : streams)
            {
                helloAck.wrap(stream.out(), 0);
                helloAck.encode(file.state(), sessionId);
                stream.writeControl(helloAck.frameLength());
            }
            long[] durable = null;
            if (resumable)
            {
                // stream 0 carries the exchange; no stream reads a page before it is over
                final ResumeExchange.Served served = new ResumeExchange(streams[0], pageCount).serve(destination,
                    imageSize, file.state() == HelloAckDescriptor.DESTINATION_CREATED);
                final TransferJournal.Lookup lookup = served.lookup();
                total.resumeStatus = lookup.status();
                if (lookup.status() == ResumeDescriptor.STATUS_RESUMING)
                {
                    total.durablePages = lookup.durablePages();
                    durable = lookup.durablePages() > 0 ? lookup.durable() : null;
                }
                else
                {
                    total.resumeReason = lookup.reason();
                }
                // from here until it verifies, the destination is marked incomplete on disk
                journal = TransferJournal.begin(destination, imageSize, pageCount, sessionId, served.identity(),
                    lookup.durable());
            }

            final AtomicPageBitmap received = new AtomicPageBitmap(pageCount);
            if (sync && journal.recording())
            {
                checkpoints = new JournalCheckpoints(journal, file, received, options.checkpointBytes,
                    options.checkpointIntervalMs * 1_000_000L).start();
            }
            // a live session sends pages again; the digest must count each page's last content once; a read-back
            // check names the pages that differ from what was received
            PageHashLedger ledger = (helloOptions & ProtocolDescriptor.OPTION_LIVE) != 0 ||
                options.verifyReadBack || withDeviceState ? new PageHashLedger(pageCount) : null;
            long baselineDigest = 0;
            if (delta)
            {
                // what the destination holds now: its valid sidecar, or hashed while the sender hashes its image
                final PageHashProvider provider = options.destinationHashes != null ? options.destinationHashes :
                    new ImageHasher(2, null);
                final long hashStart = System.nanoTime();
                ledger = provider.hashes(destination, imageSize);
                total.hashNanos += System.nanoTime() - hashStart;
                total.differingChunks = new DeltaExchange(firstFrames, pageCount).serve(ledger,
                    provider.fromManifest());
                baselineDigest = ledger.digest();
            }
            // post-copy readers read the destination through its mapping; the final check reads it back too
            final boolean readBack = options.verifyReadBack || withDeviceState || postcopy;
            if (readBack)
            {
                readView = MappedImage.openReadOnly(destination);
            }
            final StreamReceiver[] receivers = new StreamReceiver[streamCount];
            for (int i = 0; i < streamCount; i++)
            {
                receivers[i] = new StreamReceiver(streams[i], file, received, pageCount, i, ledger,
                    withDeviceState && i == 0);
                receivers[i].readView(readView);
                if (delta)
                {
                    receivers[i].delta();
                }
            }
            final DurablePageHasher durableHasher = durable == null ? null :
                new DurablePageHasher(file, durable, pageCount);
            final Runnable[] workers = Arrays.copyOf(receivers, streamCount + (durable == null ? 0 : 1),
                Runnable[].class);
            if (durableHasher != null)
            {
                workers[streamCount] = durableHasher;
            }
            PostcopyFigures postcopyFigures = null;
            if (postcopy)
            {
                postcopyFigures = new PostcopyFigures();
                final SessionAcceptor acceptor = new SessionAcceptor(server, sessionId, imageSize, helloOptions,
                    file.state());
                // the sender opens its priority connection right after HELLO_ACK, so the switch finds it ready
                postcopyPriority = acceptor.accept(ProtocolDescriptor.OPTION_POSTCOPY_PRIORITY,
                    System.nanoTime() + options.streamAcceptTimeoutMs * 1_000_000L, true);
                final PostcopySettings postcopySettings = options.postcopy != null ?
                    options.postcopy : new PostcopySettings();
                // the priority connection has no idle timeout (two threads use it); a demand unanswered for
                // --io-timeout is how a link that silently drops packets is noticed there
                postcopySettings.demandTimeoutMs = options.ioTimeoutMs;
                postcopyDestination = new PostcopyDestination(postcopySettings, acceptor, readView, file, ledger,
                    received, postcopyFigures);
                receivers[0].postcopy(postcopyDestination, firstChannel, postcopyPriority);
            }
            try
            {
                ParallelRanges.run("ramshift-receive", workers);
            }
            finally
            {
                if (postcopy)
                {
                    // taken over by the post-copy phase, or released here when the session did not switch
                    postcopyPriority = receivers[0].unusedPriority();
                }
                if (postcopy && receivers[0].postcopyConnection() != null)
                {
                    // RESULT goes on the connection in use; it is closed with the session
                    streams[0] = receivers[0].postcopyConnection().frames();
                    postcopyConnection = receivers[0].postcopyConnection();
                }
                if (postcopyFigures != null)
                {
                    total.postcopy = postcopyFigures;
                    total.bytesSent += postcopyFigures.retiredBytesWritten;
                    total.bytesReceived += postcopyFigures.retiredBytesRead;
                }
            }
            RuntimeException failure = durableHasher == null ? null : durableHasher.failure;
            long endBatches = 0;
            long endZero = 0;
            long endData = 0;
            long endDigest = 0;
            for (final StreamReceiver receiver : receivers)
            {
                total.add(receiver.stats());
                if (receiver.failure != null && failure == null)
                {
                    failure = receiver.failure;
                }
                endBatches += receiver.endBatches;
                endZero += receiver.endZeroPages;
                endData += receiver.endDataPages;
                endDigest += receiver.endDigest;
            }
            if (checkpoints != null)
            {
                total.checkpoints = checkpoints.stop();
            }
            if (failure != null)
            {
                if (checkpoints != null)
                {
                    // what arrived before the failure is made durable, so the next run sends only the rest
                    finalCheckpoint(checkpoints);
                }
                for (final FrameChannel stream : streams)
                {
                    stream.sendError(ProtocolDescriptor.ERROR_SESSION, "session failed: " + failure.getMessage());
                }
                throw failure;
            }
            if (sync)
            {
                final long syncStart = System.nanoTime();
                file.sync();
                total.syncNanos = System.nanoTime() - syncStart;
            }
            total.bytesWritten = file.bytesWritten();
            // a delta session's digest covers the whole image: the destination's baseline with each written page's
            // term replaced
            total.digest += baselineDigest;
            // a resumed session's digest also covers the durable pages, as read back from the destination
            final long durableDigest = durableHasher == null ? 0 : durableHasher.digest();
            total.digest += durableDigest;
            boolean match = endDigest == total.digest && endBatches == total.batches &&
                endZero == total.zeroPages && endData == total.dataPages + total.dupPages + total.copyPages;
            String readBackProblem = null;
            if (options.beforeVerify != null)
            {
                options.beforeVerify.accept(destination);
            }
            // a hypervisor gets its device state only over RAM proven complete in the file itself
            if (match && readBack)
            {
                final long readStart = System.nanoTime();
                final DestinationReadBack check = DestinationReadBack.read(readView, received, ledger, 2);
                total.readBackNanos = System.nanoTime() - readStart;
                // the read-back covers the pages received; a delta session's digest also counts every other page
                // with the hash the destination had before
                final long expected = (delta ? endDigest - ledger.digestExcept(received) : endDigest) - durableDigest;
                if (check.digest() != expected || check.differing() > 0)
                {
                    match = false;
                    readBackProblem = "the destination file does not hold what was received: path=" + destination +
                        " digest=" + Long.toHexString(check.digest()) + " expected=" + Long.toHexString(expected) +
                        " differingPages=" + check.differing() + " first=" + check.firstDiffering();
                }
            }
            if (readBackProblem != null)
            {
                journal.invalidate();
                for (final FrameChannel stream : streams)
                {
                    stream.sendError(ProtocolDescriptor.ERROR_IO, readBackProblem);
                }
                throw new TransferException(readBackProblem);
            }
            if (match && options.deviceStateSink != null)
            {
                final long loadStart = System.nanoTime();
                try
                {
                    final ByteBuffer state = receivers[0].deviceState();
                    total.deviceStateBytes = state.remaining();
                    options.deviceStateSink.load(state);
                }
                catch (final RuntimeException ex)
                {
                    for (final FrameChannel stream : streams)
                    {
                        stream.sendError(ProtocolDescriptor.ERROR_DEVICE_STATE,
                            "image verified, but the device state was not loaded: " + ex.getMessage());
                    }
                    throw ex;
                }
                total.deviceStateLoadNanos = System.nanoTime() - loadStart;
            }
            if (match)
            {
                // written, synced and verified: no longer incomplete, before anyone is told so
                journal.complete();
            }
            if (!match)
            {
                // the destination does not hold the source: whatever the journal calls durable may be wrong
                journal.invalidate();
                if (durable != null)
                {
                    final String message = "the resumed destination does not match the source: its journal " +
                        "claimed " + total.durablePages + " durable pages, and the whole image's digest differs " +
                        "(the destination was changed behind the journal's back?); the journal was invalidated, the " +
                        "next run sends every page: path=" + destination + " digest=" + Long.toHexString(total.digest) +
                        " expected=" + Long.toHexString(endDigest);
                    for (final FrameChannel stream : streams)
                    {
                        stream.sendError(ProtocolDescriptor.ERROR_RESUME, message);
                    }
                    throw new TransferException(message);
                }
            }
            for (final FrameChannel stream : streams)
            {
                result.wrap(stream.out(), 0);
                result.encode(match ? ProtocolDescriptor.STATUS_VERIFIED : ProtocolDescriptor.STATUS_DIGEST_MISMATCH,
                    total.pagesSent(), total.digest, total.bytesWritten);
                stream.writeControl(result.frameLength());
            }
            if (!match)
            {
                throw new TransferException("destination does not match the sender: digest=" +
                    Long.toHexString(total.digest) + " expected=" + Long.toHexString(endDigest) +
                    " batches=" + total.batches + "/" + endBatches + " zeroPages=" + total.zeroPages + "/" + endZero +
                    " dataPages=" + (total.dataPages + total.dupPages) + "/" + endData);
            }
            total.verified = true;
            if (delta && options.keepHashes != null)
            {
                options.keepHashes.accept(destination, ledger);
            }
            return total;
        }
        catch (final LayoutException ex)
        {
            for (final FrameChannel stream : streams)
            {
                if (stream != null)
                {
                    stream.sendError(ProtocolDescriptor.ERROR_PROTOCOL, ex.getMessage());
                }
            }
            throw new TransferException("malformed frame from " + peer + ": " + ex.getMessage(), ex);
        }
        catch (final DestinationException ex)
        {
            for (final FrameChannel stream : streams)
            {
                if (stream != null)
                {
                    stream.sendError(ProtocolDescriptor.ERROR_IO, ex.getMessage());
                }
            }
            throw ex;
        }
        finally
        {
            if (checkpoints != null)
            {
                checkpoints.stop();
            }
            if (journal != null)
            {
                journal.close();
            }
            if (postcopyConnection != null)
            {
                postcopyConnection.closeIfOwned();
                postcopyConnection = null;
            }
            if (postcopyPriority != null)
            {
                postcopyPriority.release();
                postcopyPriority = null;
            }
            if (postcopyDestination != null && postcopyDestination.image() != null)
            {
                // readers may outlive the session (a read time longer than the post-copy): none may copy from the
                // mapping once it is gone
                postcopyDestination.image().close();
            }
            if (readView != null)
            {
                readView.close();
            }
            if (file != null)
            {
                file.close();
            }
            for (final SocketChannel channel : extra)
            {
                closeQuietly(channel);
            }
            long sent = 0;
            long read = 0;
            for (final FrameChannel stream : streams)
            {
                if (stream != null)
                {
                    sent += stream.bytesWritten();
                    read += stream.bytesRead();
                    stream.close();
                }
            }
            total.bytesSent = sent;
            total.bytesReceived = read;
            total.endNanos = System.nanoTime();
        }
    }

    private static void finalCheckpoint(final JournalCheckpoints checkpoints)
    {
        try
        {
            checkpoints.checkpoint();
        }
        catch (final RuntimeException ignore)
        {
            // e.g. the disk is full: the journal keeps what earlier checkpoints recorded
        }
    }

    /**
     * Before anything is opened or written: both ends prove the key, or neither has one.
     */
    private void authenticate(final FrameChannel frames)
    {
        final boolean asked = (hello.options() & ProtocolDescriptor.OPTION_AUTH) != 0;
        if (asked != (options.authenticator != null))
        {
            final String message = asked ? "authentication failed: the sender has a key, this receiver has none" :
                "authentication failed: this receiver requires a key (--key-file) and the sender has none";
            frames.sendError(ProtocolDescriptor.ERROR_AUTH, message);
            throw new TransferException(message);
        }
        if (asked)
        {
            final byte[] helloBytes = new byte[hello.frameLength()];
            helloCopy.getBytes(0, helloBytes);
            options.authenticator.challenge(frames, helloBytes);
        }
    }

    private void readHello(final FrameChannel frames)
    {
        final int type = frames.readFrame("HELLO");
        if (type != ProtocolDescriptor.TYPE_HELLO)
        {
            throw new LayoutException("expected HELLO, got " + ProtocolDescriptor.typeName(type));
        }
        // a copy: the stream's input buffer is reused by the frames that follow (authentication, delta exchange)
        final int length = frames.in().getInt(0, ByteOrder.LITTLE_ENDIAN);
        if (length != HelloDescriptor.LENGTH)
        {
            throw new LayoutException("HELLO of the wrong length: length=" + length + " expected=" +
                HelloDescriptor.LENGTH);
        }
        frames.in().getBytes(0, helloCopy, 0, length);
        hello.wrap(helloCopy, 0);
        hello.validate();
    }

    private void acceptStreams(final ServerSocketChannel server, final FrameChannel[] streams,
        final SocketChannel[] extra, final long sessionId, final long imageSize, final long helloOptions,
        final int streamCount)
    {
        if (streamCount == 1)
        {
            return;
        }
        final long deadline = System.currentTimeMillis() + options.streamAcceptTimeoutMs;
        try (Selector selector = Selector.open())
        {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            for (int accepted = 0; accepted < streamCount - 1; )
            {
                final long wait = deadline - System.currentTimeMillis();
                if (wait <= 0 || selector.select(wait) == 0 && System.currentTimeMillis() >= deadline)
                {
                    throw new TransferException("only " + (accepted + 1) + " of " + streamCount + " streams of " +
                        "session " + Long.toHexString(sessionId) + " connected within " + options.streamAcceptTimeoutMs +
                        " ms");
                }
                selector.selectedKeys().clear();
                final SocketChannel channel = server.accept();
                if (channel == null)
                {
                    continue;
                }
                channel.configureBlocking(true);
                LoopbackMigration.configure(channel);
                extra[accepted++] = channel;
                final FrameChannel frames = frames(channel, "sender " + remote(channel));
                try
                {
                    frames.handshake();
                    readHello(frames);
                    authenticate(frames);
                }
                catch (final RuntimeException ex)
                {
                    frames.close();
                    throw ex;
                }
                if (hello.sessionId() != sessionId || hello.imageSize() != imageSize ||
                    hello.options() != helloOptions || hello.streamCount() != streamCount ||
                    streams[hello.streamIndex()] != null)
                {
                    frames.sendError(ProtocolDescriptor.ERROR_PROTOCOL, "stream does not belong to the session");
                    frames.close();
                    throw new LayoutException("stream does not belong to session " + Long.toHexString(sessionId) +
                        ": session=" + Long.toHexString(hello.sessionId()) + " index=" + hello.streamIndex() +
                        " count=" + hello.streamCount() + " imageSize=" + hello.imageSize());
                }
                streams[hello.streamIndex()] = frames;
            }
        }
        catch (final IOException ex)
        {
            throw new TransferException("accepting streams failed: " + ex.getMessage(), ex);
        }
        finally
        {
            try
            {
                server.configureBlocking(true);
            }
            catch (final IOException ignore)
            {
                // the selector is closed; the server is closed by its owner
            }
        }
    }

    /**
     * Accepts the post-copy connections of one session on the listening socket: the priority connection and, after
     * a link drop, the sender's resume. A connection that does not belong to the session is refused and closed;
     * the wait goes on until the deadline.
     */
    private final class SessionAcceptor implements PostcopyDestination.Acceptor
    {
        private final ServerSocketChannel server;
        private final long sessionId;
        private final long imageSize;
        private final long sessionOptions;
        private final int destinationState;

        SessionAcceptor(final ServerSocketChannel server, final long sessionId, final long imageSize,
            final long sessionOptions, final int destinationState)
        {
            this.server = server;
            this.sessionId = sessionId;
            this.imageSize = imageSize;
            this.sessionOptions = sessionOptions;
            this.destinationState = destinationState;
        }

        public PostcopyConnection accept(final long extraOptions,
            final long deadlineNanos, final boolean blocking)
        {
            while (true)
            {
                final SocketChannel channel = acceptBefore(deadlineNanos, extraOptions);
                FrameChannel frames = null;
                try
                {
                    channel.configureBlocking(true);
                    LoopbackMigration.configure(channel);
                    final String peer = "sender " + remote(channel) + ((extraOptions &
                        ProtocolDescriptor.OPTION_POSTCOPY_PRIORITY) != 0 ? " (priority)" : " (resume)");
                    final long timeout = blocking ? 0 : options.ioTimeoutMs;
                    frames = options.tlsReceiver == null ?
                        new FrameChannel(channel, peer, ProtocolDescriptor.MAX_FRAME_LENGTH, timeout) :
                        new FrameChannel(channel, options.tlsReceiver, peer, ProtocolDescriptor.MAX_FRAME_LENGTH,
                            timeout);
                    frames.handshake();
                    readHello(frames);
                    authenticate(frames);
                    final long extra = hello.options() & (ProtocolDescriptor.OPTION_POSTCOPY_PRIORITY |
                        ProtocolDescriptor.OPTION_POSTCOPY_RESUME);
                    if (hello.sessionId() != sessionId || hello.imageSize() != imageSize ||
                        (hello.options() & ~extra) != sessionOptions || extra != extraOptions)
                    {
                        frames.sendError(ProtocolDescriptor.ERROR_POSTCOPY_RESUME, "connection does not belong to " +
                            "post-copy session " + Long.toHexString(sessionId) + " as expected: session=" +
                            Long.toHexString(hello.sessionId()) + " options=0x" + Long.toHexString(hello.options()) +
                            " expected=0x" + Long.toHexString(sessionOptions | extraOptions));
                        frames.close();
                        closeQuietly(channel);
                        continue;
                    }
                    helloAck.wrap(frames.out(), 0);
                    helloAck.encode(destinationState, sessionId);
                    frames.writeControl(helloAck.frameLength());
                    return new PostcopyConnection(channel, frames, true);
                }
                catch (final IOException ex)
                {
                    closeQuietly(channel);
                    throw new TransferException("post-copy connection failed: " + ex.getMessage(), ex);
                }
                catch (final LayoutException ex)
                {
                    // a stray or broken connection: refuse it and keep waiting for the sender
                    if (frames != null)
                    {
                        frames.sendError(ProtocolDescriptor.ERROR_PROTOCOL, ex.getMessage());
                        frames.close();
                    }
                    closeQuietly(channel);
                }
                catch (final RuntimeException ex)
                {
                    if (frames != null)
                    {
                        frames.close();
                    }
                    closeQuietly(channel);
                    throw ex;
                }
            }
        }

        private SocketChannel acceptBefore(final long deadlineNanos, final long extraOptions)
        {
            try (Selector selector = Selector.open())
            {
                server.configureBlocking(false);
                server.register(selector, SelectionKey.OP_ACCEPT);
                while (true)
                {
                    final long waitMs = (deadlineNanos - System.nanoTime()) / 1_000_000L;
                    if (waitMs <= 0)
                    {
                        throw new TransferException("no post-copy " + ((extraOptions &
                            ProtocolDescriptor.OPTION_POSTCOPY_PRIORITY) != 0 ? "priority" : "resume") +
                            " connection of session " + Long.toHexString(sessionId) + " in time");
                    }
                    selector.select(waitMs);
                    selector.selectedKeys().clear();
                    final SocketChannel channel = server.accept();
                    if (channel != null)
                    {
                        return channel;
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new TransferException("accepting a post-copy connection failed: " + ex.getMessage(), ex);
            }
            finally
            {
                try
                {
                    server.configureBlocking(true);
                }
                catch (final IOException ignore)
                {
                    // the selector is closed; the server is closed by its owner
                }
            }
        }
    }

    private FrameChannel frames(final ByteChannel channel, final String peer)
    {
        if (options.tlsReceiver == null)
        {
            return new FrameChannel(channel, peer, ProtocolDescriptor.MAX_FRAME_LENGTH, options.ioTimeoutMs);
        }
        if (!(channel instanceof SocketChannel))
        {
            throw new IllegalArgumentException("TLS needs a socket channel: " + channel);
        }
        return new FrameChannel((SocketChannel)channel, options.tlsReceiver, peer, ProtocolDescriptor.MAX_FRAME_LENGTH,
            options.ioTimeoutMs);
    }

    private static String remote(final SocketChannel channel)
    {
        try
        {
            return String.valueOf(channel.getRemoteAddress());
        }
        catch (final IOException ex)
        {
            return "?";
        }
    }

    private static void closeQuietly(final SocketChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // nothing left to release
            }
        }
    }
}
