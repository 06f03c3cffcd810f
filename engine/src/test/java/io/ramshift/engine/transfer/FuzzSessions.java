package io.ramshift.engine.transfer;

import io.ramshift.engine.TestImages;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.image.SourceImage;
import io.ramshift.layout.DeviceStateDescriptor;
import io.ramshift.layout.DeviceStateFlyweight;
import io.ramshift.layout.FrameHeaderDescriptor;
import io.ramshift.layout.ProtocolDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.ramshift.engine.TestImages.PAGE_SIZE;

/**
 * The real sessions the frame fuzzers start from, and the receiver set-up they are replayed against: a 600-page
 * image (two delta chunks, the second short) whose destination always starts as the same baseline, so a recorded
 * session — a delta session included — verifies again when replayed byte for byte.
 * <p>
 * The corpus under {@code src/test/resources/.../*FuzzTestInputs} was produced by
 * {@link FuzzCorpusTest#shouldRecordRealSessionsThatReplayToVerifiedTransfers()} with
 * {@code -Dramshift.fuzz.writeCorpus=<repository root>}: each session runs a real {@link ImageSender} against a real
 * {@link ImageReceiver} over loopback TCP (as {@link LoopbackMigration} does), the sender's connection wrapped in a
 * {@link RecordingChannel}.
 */
final class FuzzSessions
{
    /** Pages of every fuzzed image. */
    static final long PAGES = 600;
    /** Bytes of every fuzzed image. */
    static final long IMAGE_SIZE = PAGES * PAGE_SIZE;
    /** Largest image a fuzzed HELLO may make the harness's receiver create (RESIZE bit set). */
    static final long MAX_CREATED_PAGES = 2048;

    private static final long BASELINE_SEED = 1;
    private static final long[] BASELINE_PAGES = {0, 1, 2, 7, 100, 101, 300, 511, 512, 513, 599};
    private static final byte[][] BASELINE_CONTENT = new byte[BASELINE_PAGES.length][];
    private static final long JOIN_MS = 30_000;
    private static final Map<Path, PageHashLedger> SOURCE_HASHES = new java.util.HashMap<>();
    private static PageHashLedger baselineHashes;

    static
    {
        for (int i = 0; i < BASELINE_PAGES.length; i++)
        {
            BASELINE_CONTENT[i] = TestImages.pageContent(BASELINE_SEED, BASELINE_PAGES[i]);
        }
    }

    private FuzzSessions()
    {
    }

    /** The sessions recorded for the corpus. */
    enum Session
    {
        /** RAW data and ZERO runs only. */
        PLAIN,
        /** LZ4 batches of compressible pages. */
        LZ4,
        /** Repeated pages sent as DUP runs. */
        DUP,
        /** Live: pages sent again in later rounds. */
        LIVE,
        /** Delta against the baseline: hash exchange, DATA, ZERO and COPY runs, LZ4. */
        DELTA,
        /** A device state after the last page (one chunk). */
        DEVICE_STATE
    }

    /** Pages of the multi-stream sessions' image: three 2 MiB slices, so each of 2 or 3 streams carries pages. */
    static final long STREAMS_PAGES = 1536;

    /**
     * The multi-stream sessions recorded for the corpus: a {@link #STREAMS_PAGES}-page image with pages in every
     * slice, sent with RESIZE to a receiver that creates the destination.
     */
    enum StreamsSession
    {
        /** RAW data and ZERO runs on 2 streams. */
        PLAIN_2(Session.PLAIN, 2),
        /** RAW data and ZERO runs on 3 streams. */
        PLAIN_3(Session.PLAIN, 3),
        /** LZ4 batches on 3 streams. */
        LZ4_3(Session.LZ4, 3),
        /** DUP runs on 2 streams. */
        DUP_2(Session.DUP, 2),
        /** A device state (on stream 0) after the last page of 2 streams. */
        DEVICE_STATE_2(Session.DEVICE_STATE, 2);

        final Session kind;
        final int streams;

        StreamsSession(final Session kind, final int streams)
        {
            this.kind = kind;
            this.streams = streams;
        }
    }

    /** The two directions of one recorded session and both ends' counters. */
    static final class Recording
    {
        final String name;
        final byte[] sent;
        /** The sender's bytes of each stream (of a one-stream session: {@code sent}). */
        final List<byte[]> streamsSent;
        final byte[] received;
        final TransferStats sender;
        final TransferStats receiver;
        final RuntimeException senderFailure;
        final Throwable receiverFailure;

        Recording(final String name, final List<byte[]> streamsSent, final byte[] received,
            final TransferStats sender, final TransferStats receiver, final RuntimeException senderFailure,
            final Throwable receiverFailure)
        {
            this.name = name;
            this.sent = streamsSent.get(0);
            this.streamsSent = streamsSent;
            this.received = received;
            this.sender = sender;
            this.receiver = receiver;
            this.senderFailure = senderFailure;
            this.receiverFailure = receiverFailure;
        }
    }

    /**
     * (Re)write the destination every receiver replay starts from: the baseline pages with content, every other
     * page a hole.
     *
     * @param path of the destination.
     */
    static void writeBaseline(final Path path)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            for (int i = 0; i < BASELINE_PAGES.length; i++)
            {
                final ByteBuffer page = ByteBuffer.wrap(BASELINE_CONTENT[i]);
                long position = BASELINE_PAGES[i] * PAGE_SIZE;
                while (page.hasRemaining())
                {
                    position += channel.write(page, position);
                }
            }
            // the last page is a baseline page, so the file now has the image's size
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The receiver's settings for a session, taken from its HELLO as an operator would pick them: a hypervisor
     * sink only for a session that carries a device state; the read-back check for odd session ids.
     *
     * @param helloOptions option bits of the HELLO.
     * @param sessionId    session id of the HELLO.
     * @return the receiver's options.
     */
    static TransferOptions receiverOptions(final long helloOptions, final long sessionId)
    {
        final TransferOptions options = new TransferOptions();
        options.noSync = true;
        options.ioTimeoutMs = 2_000;
        options.verifyReadBack = (sessionId & 1) != 0;
        options.destinationHashes = FuzzSessions::hashWhole;
        if ((helloOptions & ProtocolDescriptor.OPTION_DEVICE_STATE) != 0)
        {
            options.deviceStateSink = (state) ->
            {
                if (state.remaining() > ProtocolDescriptor.MAX_DEVICE_STATE_LENGTH)
                {
                    throw new AssertionError("device state longer than the limit: " + state.remaining());
                }
            };
        }
        return options;
    }

    /**
     * Hash every page of an image on the calling thread, holes read as zero pages: the hashes
     * {@link ImageHasher#hashes} gives, without its {@code stat} process per call (milliseconds per execution).
     *
     * @param path of the image.
     * @param size its bytes.
     * @return the hash of every page, preset.
     */
    static PageHashLedger hashWhole(final Path path, final long size)
    {
        try (MappedImage image = MappedImage.openReadOnly(path))
        {
            return new ImageHasher(1, null).hash(image, DataExtents.whole(image.size()));
        }
    }

    /**
     * The hashes of {@link #writeBaseline(Path) the baseline}, computed once: what a receiver replaying into a fresh
     * baseline hashes at the start of every delta session.
     *
     * @param path the baseline, as just written.
     * @param size its bytes.
     * @return a copy of the baseline's hashes.
     */
    static synchronized PageHashLedger baselineHashes(final Path path, final long size)
    {
        if (baselineHashes == null)
        {
            baselineHashes = hashWhole(path, size);
        }
        return copy(baselineHashes);
    }

    /**
     * The hashes of a source image that does not change while a harness runs, computed on first use.
     *
     * @param path of the image.
     * @param size its bytes.
     * @return a copy of its hashes.
     */
    static synchronized PageHashLedger sourceHashes(final Path path, final long size)
    {
        return copy(SOURCE_HASHES.computeIfAbsent(path, (key) -> hashWhole(key, size)));
    }

    private static PageHashLedger copy(final PageHashLedger hashes)
    {
        final PageHashLedger copy = new PageHashLedger(hashes.pageCount());
        for (long page = 0; page < hashes.pageCount(); page++)
        {
            copy.preset(page, hashes.hash(page));
        }
        return copy;
    }

    /**
     * @param session which one.
     * @return the sender's settings of that session.
     */
    static TransferOptions senderOptions(final Session session)
    {
        final TransferOptions options = new TransferOptions();
        options.noSync = true;
        options.ioTimeoutMs = 10_000;
        options.detectHoles = false;
        options.pipelineDepth = 2;
        options.lz4 = false;
        options.dedup = false;
        options.sessionId = 0x5EED_0000L + 2 * session.ordinal();
        switch (session)
        {
            case LZ4:
                options.lz4 = true;
                options.lz4Always = true;
                options.sessionId |= 1;
                break;
            case DUP:
                options.dedup = true;
                break;
            case DELTA:
                options.delta = true;
                options.lz4 = true;
                options.dedup = true;
                options.sessionId |= 1;
                options.sourceHashes = FuzzSessions::sourceHashes;
                break;
            case DEVICE_STATE:
                options.deviceState = () -> ByteBuffer.wrap(pattern(2500));
                break;
            default:
                break;
        }
        return options;
    }

    /**
     * Write the source image of a session.
     *
     * @param session which one.
     * @param path    of the image.
     * @return {@code path}.
     */
    static Path writeSource(final Session session, final Path path)
    {
        TestImages.createSparse(path, IMAGE_SIZE);
        switch (session)
        {
            case LZ4:
                for (long page = 100; page < 140; page++)
                {
                    writeBytes(path, page, compressible(page));
                }
                TestImages.writePage(path, 140, 3);
                break;
            case DUP:
                TestImages.writePages(path, 10, 3, 2);
                for (long page = 20; page < 30; page++)
                {
                    copyPage(path, 10, page);
                }
                copyPage(path, 11, 40);
                copyPage(path, 11, 41);
                copyPage(path, 12, 300);
                for (long page = 513; page < 521; page++)
                {
                    copyPage(path, 10, page);
                }
                break;
            case DELTA:
                writeBaseline(path);
                // changed, zeroed, new, compressible, and two pages taking unchanged destination pages' content
                TestImages.writePage(path, 1, 2);
                TestImages.writeZeroPages(path, 100, 1);
                TestImages.writePage(path, 50, 2);
                writeBytes(path, 300, compressible(300));
                writeBytes(path, 400, BASELINE_CONTENT[7]);
                writeBytes(path, 401, BASELINE_CONTENT[8]);
                break;
            case DEVICE_STATE:
                TestImages.writePages(path, 0, 2, 2);
                TestImages.writePages(path, 598, 2, 2);
                break;
            default:
                TestImages.writePages(path, 0, 4, 2);
                TestImages.writePage(path, 200, 2);
                TestImages.writePages(path, 512, 4, 2);
                TestImages.writePage(path, 599, 2);
                break;
        }
        return path;
    }

    /**
     * Record one session: a real sender and receiver over loopback TCP, the sender's connection recorded.
     *
     * @param session     which one.
     * @param dir         where to put the images.
     * @param destination the receiver's destination, prepared by the caller (the baseline, missing, or another).
     * @return both directions and both ends' outcomes.
     */
    static Recording record(final Session session, final Path dir, final Path destination)
    {
        final Path source = writeSource(session, dir.resolve(session.name().toLowerCase() + ".img"));
        final TransferOptions options = senderOptions(session);
        if (session == Session.LIVE)
        {
            options.live = (sender) ->
            {
                TestImages.writePages(source, 5, 3, 3);
                TestImages.writePage(source, 512, 3);
                sender.sendPages(5, 3);
                sender.sendPages(512, 1);
                sender.flushRound();
                TestImages.writeZeroPages(source, 6, 1);
                sender.sendPages(6, 1);
            };
        }
        return record(session.name().toLowerCase(), source, options, destination);
    }

    /**
     * Record a session of an existing source.
     *
     * @param name        for messages and seed names.
     * @param source      image to send.
     * @param options     the sender's options (the receiver's follow from its HELLO).
     * @param destination the receiver's destination.
     * @return both directions and both ends' outcomes.
     */
    static Recording record(final String name, final Path source, final TransferOptions options,
        final Path destination)
    {
        return record(name, source, options, destination, 1);
    }

    /**
     * Record a session of an existing source over one or more streams, each connection recorded; the receiver
     * accepts them in stream order.
     *
     * @param name        for messages and seed names.
     * @param source      image to send.
     * @param options     the sender's options (the receiver's follow from its HELLO).
     * @param destination the receiver's destination.
     * @param streams     connections of the session.
     * @return both directions (the replies of stream 0) and both ends' outcomes.
     */
    static Recording record(final String name, final Path source, final TransferOptions options,
        final Path destination, final int streams)
    {
        final AtomicReference<TransferStats> receiverStats = new AtomicReference<>();
        final AtomicReference<Throwable> receiverFailure = new AtomicReference<>();
        final TransferOptions receiverOptions = receiverOptions(options.helloOptions(), options.sessionId);
        options.streams = streams;
        final RecordingChannel[] channels = new RecordingChannel[streams];
        try (SourceImage image = SourceImage.open(source); ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final Thread receiver = new Thread(() ->
            {
                try
                {
                    receiverStats.set(new ImageReceiver(receiverOptions).receive(server, destination));
                }
                catch (final RuntimeException ex)
                {
                    receiverFailure.set(ex);
                }
            }, "ramshift-test-receiver");
            receiver.start();
            TransferStats senderStats = null;
            RuntimeException senderFailure = null;
            for (int i = 0; i < streams; i++)
            {
                channels[i] = new RecordingChannel(SocketChannel.open(server.getLocalAddress()));
            }
            try
            {
                senderStats = new ImageSender(options).send(image.image(), null, channels, "receiver");
            }
            catch (final RuntimeException ex)
            {
                senderFailure = ex;
            }
            finally
            {
                for (final RecordingChannel channel : channels)
                {
                    channel.close();
                }
            }
            receiver.join(JOIN_MS);
            if (receiver.isAlive())
            {
                throw new AssertionError("receiver of session " + name + " did not finish");
            }
            final List<byte[]> sent = new ArrayList<>();
            for (final RecordingChannel channel : channels)
            {
                sent.add(channel.sent());
            }
            return new Recording(name, sent, channels[0].received(), senderStats, receiverStats.get(),
                senderFailure, receiverFailure.get());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    /**
     * Record a multi-stream session into a destination the receiver creates.
     *
     * @param session which one.
     * @param dir     where to put the images.
     * @return every stream's bytes and both ends' outcomes.
     */
    static Recording recordStreams(final StreamsSession session, final Path dir)
    {
        final String name = session.name().toLowerCase();
        final Path source = writeStreamsSource(session.kind, dir.resolve("streams-" + name + ".img"));
        final TransferOptions options = senderOptions(session.kind);
        options.resize = true;
        options.sessionId = 0x5EED_1000L + 2 * session.ordinal() | options.sessionId & 1;
        final Path destination = dir.resolve("dst-streams-" + name + ".img");
        return record("streams-" + name.replace('_', '-'), source, options, destination, session.streams);
    }

    /**
     * Write the source of a multi-stream session: a few pages in each 2 MiB slice (compressible ones for LZ4,
     * copies across slices for DUP).
     *
     * @param kind which kind of session.
     * @param path of the image.
     * @return {@code path}.
     */
    static Path writeStreamsSource(final Session kind, final Path path)
    {
        TestImages.createSparse(path, STREAMS_PAGES * PAGE_SIZE);
        switch (kind)
        {
            case LZ4:
                for (long page = 100; page < 116; page++)
                {
                    writeBytes(path, page, compressible(page));
                    writeBytes(path, page + 512, compressible(page + 512));
                    writeBytes(path, page + 1024, compressible(page + 1024));
                }
                break;
            case DUP:
                TestImages.writePages(path, 10, 2, 5);
                for (long page = 20; page < 24; page++)
                {
                    copyPage(path, 10, page);
                    copyPage(path, 11, page + 600);
                    copyPage(path, 10, page + 1100);
                }
                break;
            case DEVICE_STATE:
                TestImages.writePages(path, 0, 2, 5);
                TestImages.writePages(path, STREAMS_PAGES - 2, 2, 5);
                break;
            default:
                TestImages.writePages(path, 0, 2, 5);
                TestImages.writePage(path, 511, 5);
                TestImages.writePage(path, 512, 5);
                TestImages.writePage(path, 1023, 5);
                TestImages.writePage(path, 1024, 5);
                TestImages.writePage(path, STREAMS_PAGES - 1, 5);
                break;
        }
        return path;
    }

    /**
     * A session's sender bytes with its one DEVICE_STATE frame cut into chunks of at most {@code chunk} bytes.
     *
     * @param stream the sender's bytes.
     * @param chunk  largest chunk.
     * @return the same session with more, smaller DEVICE_STATE frames.
     */
    static byte[] rechunkDeviceState(final byte[] stream, final int chunk)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] frame : frames(stream))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            final DeviceStateFlyweight state = new DeviceStateFlyweight();
            state.wrap(buffer, 0);
            if (state.type() != ProtocolDescriptor.TYPE_DEVICE_STATE)
            {
                out.write(frame, 0, frame.length);
                continue;
            }
            final long total = state.totalLength();
            final int length = state.chunkLength();
            for (int done = 0; done < length; done += chunk)
            {
                final int n = Math.min(chunk, length - done);
                final byte[] piece = new byte[DeviceStateDescriptor.PAYLOAD_OFFSET + n];
                final DeviceStateFlyweight pieceFrame = new DeviceStateFlyweight();
                pieceFrame.wrap(new UnsafeBuffer(piece), 0);
                pieceFrame.encode(total, state.chunkOffset() + done, n);
                System.arraycopy(frame, DeviceStateDescriptor.PAYLOAD_OFFSET + done, piece,
                    DeviceStateDescriptor.PAYLOAD_OFFSET, n);
                out.write(piece, 0, piece.length);
            }
        }
        return out.toByteArray();
    }

    /**
     * Cut a stream into its frames by their length fields (a trailing partial frame is dropped).
     *
     * @param stream bytes of one direction of a session.
     * @return the frames in order.
     */
    static List<byte[]> frames(final byte[] stream)
    {
        final List<byte[]> frames = new ArrayList<>();
        final ByteBuffer bytes = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at + FrameHeaderDescriptor.HEADER_LENGTH <= stream.length)
        {
            final int length = bytes.getInt(at + FrameHeaderDescriptor.FRAME_LENGTH_OFFSET);
            if (length < FrameHeaderDescriptor.HEADER_LENGTH || length > stream.length - at)
            {
                break;
            }
            final byte[] frame = new byte[length];
            System.arraycopy(stream, at, frame, 0, length);
            frames.add(frame);
            at += length;
        }
        return frames;
    }

    /**
     * @param stream bytes of one direction of a session.
     * @return the number of frames of each type, by name, in order of first appearance.
     */
    static Map<String, Integer> frameTypes(final byte[] stream)
    {
        final Map<String, Integer> types = new LinkedHashMap<>();
        for (final byte[] frame : frames(stream))
        {
            final int type = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN)
                .getShort(FrameHeaderDescriptor.TYPE_OFFSET) & 0xFFFF;
            types.merge(ProtocolDescriptor.typeName(type), 1, Integer::sum);
        }
        return types;
    }

    /**
     * The stored seeds of a fuzz test, from its Jazzer inputs directory on the class path.
     *
     * @param test   the fuzz test class.
     * @param method the fuzz test method.
     * @return seed name to bytes, sorted by name; empty when there is no directory.
     */
    static Map<String, byte[]> seeds(final Class<?> test, final String method)
    {
        final Map<String, byte[]> seeds = new LinkedHashMap<>();
        final URL url = test.getResource(test.getSimpleName() + "Inputs/" + method);
        if (url == null)
        {
            return seeds;
        }
        try (Stream<Path> files = Files.list(Paths.get(url.toURI())))
        {
            for (final Path path : files.sorted().collect(Collectors.toList()))
            {
                seeds.put(path.getFileName().toString(), Files.readAllBytes(path));
            }
            return seeds;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A directory for a harness's images, in memory ({@code /dev/shm}) where there is one: every execution
     * truncates and rewrites the destination and punches holes in it, which costs milliseconds on a disk's file
     * system and microseconds on tmpfs.
     *
     * @param fallback directory to use when there is no tmpfs.
     * @return a new, empty directory; delete it with {@link #deleteScratch(Path, Path)}.
     */
    static Path scratchDirectory(final Path fallback)
    {
        final Path shm = Paths.get("/dev/shm");
        try
        {
            return Files.isDirectory(shm) && Files.isWritable(shm) ?
                Files.createTempDirectory(shm, "ramshift-fuzz-") : fallback;
        }
        catch (final IOException ex)
        {
            return fallback;
        }
    }

    /**
     * Delete a directory made by {@link #scratchDirectory(Path)} with its files (a fallback is left to JUnit).
     *
     * @param scratch  the directory.
     * @param fallback the fallback it may be.
     */
    static void deleteScratch(final Path scratch, final Path fallback)
    {
        if (scratch == null || scratch.equals(fallback))
        {
            return;
        }
        try (Stream<Path> files = Files.list(scratch))
        {
            for (final Path file : files.collect(Collectors.toList()))
            {
                Files.delete(file);
            }
            Files.delete(scratch);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Copy a file (for a destination that must start as another file).
     *
     * @param from source file.
     * @param to   target, replaced.
     * @return {@code to}.
     */
    static Path copy(final Path from, final Path to)
    {
        try
        {
            return Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static byte[] compressible(final long page)
    {
        final byte[] bytes = new byte[PAGE_SIZE];
        final byte[] line = ("page " + page + " of a ramshift fuzz corpus image, compressible text\n")
            .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < PAGE_SIZE; i++)
        {
            bytes[i] = line[i % line.length];
        }
        return bytes;
    }

    private static byte[] pattern(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + (i >>> 8));
        }
        return bytes;
    }

    private static void copyPage(final Path path, final long from, final long to)
    {
        writeBytes(path, to, TestImages.readPage(path, from));
    }

    private static void writeBytes(final Path path, final long page, final byte[] bytes)
    {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.seek(page * PAGE_SIZE);
            file.write(bytes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
