package io.ramshift.engine.transfer;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.ImageException;
import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.layout.HelloAckDescriptor;
import io.ramshift.layout.HelloAckFlyweight;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.ResultFlyweight;
import org.agrona.BufferUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongPredicate;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@ExtendWith(ResourceLeakExtension.class)
class LoopbackMigrationTest
{
    private static final long SEED = 11;
    private static final long GARBAGE = 666;
    private static final long STALE = 99;
    private static final long GIB = 1L << 30;
    private static final long JOIN_MS = 30_000;
    private static final long SESSION_ID = 0x5E55_1011L;

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------------------
    // Round trips through LoopbackMigration
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldMigrateEveryPageClassAndMatchEveryNonFreePage(final boolean detectHoles)
    {
        final long pages = 1024;
        final Path source = TestImages.createSparse(dir.resolve("src.img"), pages * PAGE_SIZE);
        TestImages.writePage(source, 0, SEED);
        TestImages.writePages(source, 10, 30, SEED);
        TestImages.writePages(source, 200, 64 + 7, SEED);
        TestImages.writePage(source, pages - 1, SEED);
        TestImages.writeZeroPages(source, 100, 20);
        TestImages.writePages(source, 500, 40, GARBAGE);
        TestImages.writePage(source, 300, GARBAGE);
        TestImages.writePage(source, 302, GARBAGE);
        TestImages.writePage(source, 304, GARBAGE);
        final Set<Long> free = new HashSet<>();
        addRange(free, 500, 40);
        addRange(free, 600, 50);
        addRange(free, 100, 5);
        free.addAll(List.of(300L, 302L, 304L));
        final Path bitmap = TestImages.writeBitmap(dir.resolve("src.bitmap"), pages, free);
        final Path destination = dir.resolve("dst.img");
        final TransferOptions options = options();
        options.detectHoles = detectHoles;

        final LoopbackMigration migration = migrate(options, source, bitmap, destination);

        final long compared = TestImages.assertSameNonFreePages(source, destination, free::contains);
        assertEquals(pages - free.size(), compared);
        assertFreePagesNotSent(destination, free);
        final long dataPages = 1 + 30 + 71 + 1;
        final TransferStats sender = migration.senderStats();
        final TransferStats receiver = migration.receiverStats();
        assertEquals(pages, sender.imagePages);
        assertEquals(free.size(), sender.freePages);
        assertEquals(dataPages, sender.dataPages);
        assertEquals(pages - free.size() - dataPages, sender.zeroPages);
        assertEquals(sender.dataPages, receiver.dataPages);
        assertEquals(sender.zeroPages, receiver.zeroPages);
        assertEquals(sender.batches, receiver.batches);
        assertEquals(digestOf(source, free::contains), sender.digest);
        assertEquals(sender.digest, receiver.digest);
        assertEquals(HelloAckDescriptor.DESTINATION_CREATED, receiver.destinationState);
        assertEquals(HelloAckDescriptor.DESTINATION_CREATED, sender.destinationState);
        assertEquals(dataPages * PAGE_SIZE, receiver.bytesWritten);
        assertEquals(detectHoles ? (dataPages + 20 + 40 + 3) * PAGE_SIZE : -1, sender.allocatedBytes);
        assertEquals(dataPages * PAGE_SIZE, DataExtents.of(destination, pages * PAGE_SIZE).dataBytes(),
            "only data pages are written into a created destination");
        assertTrue(sender.bytesSent < (dataPages + 8) * PAGE_SIZE, "bytes sent " + sender.bytesSent);
    }

    @Test
    void shouldMigratePageZeroAndTheLastPage()
    {
        final long pages = 64;
        final Path source = TestImages.createSparse(dir.resolve("src.img"), pages * PAGE_SIZE);
        TestImages.writePage(source, 0, SEED);
        TestImages.writePage(source, pages - 1, SEED);
        final Path destination = dir.resolve("dst.img");

        final LoopbackMigration migration = migrate(options(), source, null, destination);

        TestImages.assertSameNonFreePages(source, destination, page -> false);
        assertArrayEquals(TestImages.pageContent(SEED, 0), TestImages.readPage(destination, 0));
        assertArrayEquals(TestImages.pageContent(SEED, pages - 1), TestImages.readPage(destination, pages - 1));
        assertEquals(2, migration.senderStats().dataPages);
        assertEquals(2, migration.senderStats().dataRuns);
        assertEquals(1, migration.senderStats().zeroRuns);
    }

    @ParameterizedTest
    @ValueSource(longs = {MappedImage.DEFAULT_CHUNK_SIZE, 64 * 1024})
    void shouldMigrateRunsAcrossTheOneGibChunkBoundaryAndTheTwoGibOffset(final long mappingChunkSize)
        throws IOException
    {
        final long size = 2 * GIB + (1 << 20);
        final long pages = size / PAGE_SIZE;
        final long oneGibPage = GIB / PAGE_SIZE;
        final long twoGibPage = 2 * GIB / PAGE_SIZE;
        final Path source = TestImages.createSparse(dir.resolve("big.img"), size);
        TestImages.writePage(source, 0, SEED);
        TestImages.writePages(source, oneGibPage - 2, 5, SEED);
        TestImages.writePages(source, twoGibPage - 50, 100, SEED);
        TestImages.writePage(source, pages - 1, SEED);
        TestImages.writeZeroPages(source, 300_000, 4);
        TestImages.writePages(source, 400_000, 10, GARBAGE);
        final Set<Long> free = new HashSet<>();
        addRange(free, 400_000, 10);
        final Path bitmap = TestImages.writeBitmap(dir.resolve("big.bitmap"), pages, free);
        final Path destination = dir.resolve("big-dst.img");
        final TransferOptions options = options();
        options.mappingChunkSize = mappingChunkSize;

        final LoopbackMigration migration = migrate(options, source, bitmap, destination);

        final List<Long> check = new ArrayList<>();
        addRange(check, 0, 2);
        addRange(check, oneGibPage - 3, 7);
        addRange(check, twoGibPage - 51, 102);
        addRange(check, 300_000 - 1, 6);
        addRange(check, pages - 2, 2);
        TestImages.assertSamePages(source, destination, check.stream().mapToLong(Long::longValue).toArray());
        assertFreePagesNotSent(destination, free);
        assertEquals(size, Files.size(destination));
        final long dataPages = 1 + 5 + 100 + 1;
        assertEquals(dataPages * PAGE_SIZE, DataExtents.of(destination, size).dataBytes(),
            "exactly the data pages were written");
        final TransferStats sender = migration.senderStats();
        assertEquals(dataPages, sender.dataPages);
        assertEquals(free.size(), sender.freePages);
        assertEquals(pages - dataPages - free.size(), sender.zeroPages);
        assertTrue(sender.batches >= 2, "the 100-page run needs two batches of 64: " + sender.batches);
        assertEquals(sender.digest, migration.receiverStats().digest);
    }

    @Test
    void shouldMigrateWithSmallMappingChunksSmallBatchesAndFewRunsPerBatch()
    {
        final long pages = 512;
        final Path source = TestImages.createSparse(dir.resolve("src.img"), pages * PAGE_SIZE);
        TestImages.writePages(source, 14, 5, SEED);
        TestImages.writePages(source, 30, 37, SEED);
        TestImages.writePage(source, 100, SEED);
        TestImages.writePage(source, 102, SEED);
        TestImages.writePage(source, 104, SEED);
        TestImages.writeZeroPages(source, 200, 41);
        TestImages.writePages(source, 300, 41, GARBAGE);
        TestImages.writePage(source, pages - 1, SEED);
        final Set<Long> free = new HashSet<>();
        addRange(free, 300, 20);
        TestImages.writePages(source, 320, 21, SEED + 1);
        final Path bitmap = TestImages.writeBitmap(dir.resolve("src.bitmap"), pages, free);
        final Path destination = dir.resolve("dst.img");
        final TransferOptions options = options();
        options.mappingChunkSize = 64 * 1024;
        options.batchDataPages = 5;
        options.batchRuns = 2;

        final LoopbackMigration migration = migrate(options, source, bitmap, destination);

        TestImages.assertSameNonFreePages(source, destination, free::contains);
        assertEquals(5 + 37 + 3 + 21 + 1, migration.senderStats().dataPages);
        assertTrue(migration.senderStats().batches >= (67 + 4) / 5, "batches " + migration.senderStats().batches);
        assertEquals(migration.senderStats().digest, migration.receiverStats().digest);
    }

    @Test
    void shouldMigrateEveryPageWithAnEmptyBitmap()
    {
        final long pages = 256;
        final Path source = mixedImage(pages);
        final Path bitmap = TestImages.writeBitmap(dir.resolve("empty.bitmap"), pages, List.of());
        final Path destination = dir.resolve("dst.img");

        final LoopbackMigration migration = migrate(options(), source, bitmap, destination);

        assertEquals(pages, TestImages.assertSameNonFreePages(source, destination, page -> false));
        assertEquals(0, migration.senderStats().freePages);
        assertEquals(pages, migration.senderStats().pagesSent());
    }

    @Test
    void shouldSendNothingWithAFullBitmap()
    {
        final long pages = 256;
        final Path source = mixedImage(pages);
        final Path bitmap = TestImages.writeBitmapWords(dir.resolve("full.bitmap"), -1L, -1L, -1L, -1L);
        final Path destination = dir.resolve("dst.img");

        final LoopbackMigration migration = migrate(options(), source, bitmap, destination);

        final TransferStats sender = migration.senderStats();
        assertEquals(pages, sender.freePages);
        assertEquals(0, sender.pagesSent());
        assertEquals(0, sender.batches);
        assertEquals(0, migration.receiverStats().pagesSent());
        assertEquals(pages * PAGE_SIZE, Files.exists(destination) ? destination.toFile().length() : -1);
        assertEquals(0, DataExtents.of(destination, pages * PAGE_SIZE).count(), "nothing written");
    }

    @Test
    void shouldZeroTheStalePagesOfAnExistingDestinationInPlace() throws IOException
    {
        final long pages = 256;
        final Path source = mixedImage(pages);
        TestImages.writePages(source, 200, 10, GARBAGE);
        final Set<Long> free = new HashSet<>();
        addRange(free, 200, 10);
        final Path bitmap = TestImages.writeBitmap(dir.resolve("src.bitmap"), pages, free);
        final Path destination = TestImages.createSparse(dir.resolve("dst.img"), pages * PAGE_SIZE);
        TestImages.writePages(destination, 0, pages, STALE);
        final Object inode = Files.getAttribute(destination, "unix:ino");
        final TransferOptions options = options();
        options.noSync = false;

        final LoopbackMigration migration = migrate(options, source, bitmap, destination);

        TestImages.assertSameNonFreePages(source, destination, free::contains);
        for (long page = 0; page < pages; page++)
        {
            if (!free.contains(page) && TestImages.isZero(TestImages.readPage(source, page)))
            {
                assertArrayEquals(new byte[PAGE_SIZE], TestImages.readPage(destination, page), "page " + page);
            }
        }
        for (final long page : free)
        {
            assertArrayEquals(TestImages.pageContent(STALE, page), TestImages.readPage(destination, page),
                "free page " + page + " is not written");
        }
        assertEquals(inode, Files.getAttribute(destination, "unix:ino"));
        assertEquals(pages * PAGE_SIZE, Files.size(destination));
        assertEquals(HelloAckDescriptor.DESTINATION_EXISTING, migration.receiverStats().destinationState);
    }

    @Test
    void shouldRefuseADestinationOfAnotherSizeAndLeaveItUntouched() throws IOException
    {
        final long pages = 256;
        final Path source = mixedImage(pages);
        final Path destination = TestImages.createSparse(dir.resolve("dst.img"), pages / 2 * PAGE_SIZE);
        TestImages.writePages(destination, 0, pages / 2, STALE);
        final byte[] before = Files.readAllBytes(destination);
        final Object inode = Files.getAttribute(destination, "unix:ino");
        final LoopbackMigration migration = new LoopbackMigration(options());

        final RamshiftException ex = assertThrows(
            RamshiftException.class, () -> migration.migrate(source, null, destination));

        final DestinationException cause = causeOf(ex, DestinationException.class);
        assertTrue(cause.getMessage().contains("another size"), cause.getMessage());
        assertTrue(cause.getMessage().contains("size=" + pages / 2 * PAGE_SIZE), cause.getMessage());
        assertTrue(cause.getMessage().contains("imageSize=" + pages * PAGE_SIZE), cause.getMessage());
        assertTrue(cause.getMessage().contains(destination.toString()), cause.getMessage());
        assertArrayEquals(before, Files.readAllBytes(destination));
        assertEquals(inode, Files.getAttribute(destination, "unix:ino"));
        assertNull(migration.senderStats(), "the sender never reports success");
    }

    @ParameterizedTest
    @ValueSource(longs = {128, 1024})
    void shouldResizeADestinationOfAnotherSizeWhenAsked(final long destinationPages) throws IOException
    {
        final long pages = 256;
        final Path source = mixedImage(pages);
        final Path destination = TestImages.createSparse(dir.resolve("dst.img"), destinationPages * PAGE_SIZE);
        TestImages.writePages(destination, 0, destinationPages, STALE);
        final TransferOptions options = options();
        options.resize = true;

        final LoopbackMigration migration = migrate(options, source, null, destination);

        assertEquals(pages * PAGE_SIZE, Files.size(destination));
        TestImages.assertSameNonFreePages(source, destination, page -> false);
        assertEquals(HelloAckDescriptor.DESTINATION_EXISTING, migration.receiverStats().destinationState);
    }

    @Test
    void shouldRefuseABitmapOfTheWrongLengthNamingTheLengths()
    {
        final Path source = mixedImage(256);
        final Path bitmap = TestImages.writeBitmap(dir.resolve("short.bitmap"), 128, List.of());
        final Path destination = dir.resolve("dst.img");

        final ImageException ex = assertThrows(ImageException.class,
            () -> new LoopbackMigration(options()).migrate(source, bitmap, destination));

        assertTrue(ex.getMessage().contains("length=16"), ex.getMessage());
        assertTrue(ex.getMessage().contains("expected=32"), ex.getMessage());
        assertTrue(ex.getMessage().contains(bitmap.toString()), ex.getMessage());
        assertFalse(Files.exists(destination));
    }

    @Test
    void shouldRefuseAnImageWhoseSizeIsNotAPageMultiple()
    {
        final Path source = TestImages.createSparse(dir.resolve("odd.img"), 10 * PAGE_SIZE + 1);
        TestImages.writePage(source, 0, SEED);
        final Path destination = dir.resolve("dst.img");

        final ImageException ex = assertThrows(ImageException.class,
            () -> new LoopbackMigration(options()).migrate(source, null, destination));

        assertTrue(ex.getMessage().contains("not a multiple of the page size"), ex.getMessage());
        assertTrue(ex.getMessage().contains("size=" + (10 * PAGE_SIZE + 1)), ex.getMessage());
        assertFalse(Files.exists(destination));
    }

    @Test
    void shouldReportTheSendersOwnFailureRatherThanTheReceiversClosedConnection()
    {
        final Path source = mixedImage(64);
        final Path destination = dir.resolve("dst.img");
        final TransferOptions options = options();
        options.batchDataPages = 0;

        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new LoopbackMigration(options).migrate(source, null, destination));

        assertTrue(ex.getMessage().contains("batch limits out of range: dataPages=0"), ex.getMessage());
        assertEquals(1, ex.getSuppressed().length, "the receiver's view is kept as suppressed");
        assertInstanceOf(TransferException.class, ex.getSuppressed()[0]);
    }

    @Test
    void shouldReportAMissingSource()
    {
        final Path source = dir.resolve("missing.img");
        final Path destination = dir.resolve("dst.img");

        final ImageException ex = assertThrows(ImageException.class,
            () -> new LoopbackMigration(options()).migrate(source, null, destination));

        assertEquals("image not found: " + source, ex.getMessage());
        assertFalse(Files.exists(destination));
    }

    // ---------------------------------------------------------------------------------------------------------
    // A raw peer against a real ImageReceiver: the receiver never reports success on a broken or hostile stream
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 8, 100, 8 * 1024, 16 * 1024})
    void shouldNeverReportSuccessWhenTheSenderClosesMidStream(final int bytesOfSecondBatch) throws Exception
    {
        final long imageSize = 64 * PAGE_SIZE;
        final Path destination = dir.resolve("dst.img");

        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                handshake(channel, imageSize);
                RawFrames.write(channel, RawFrames.dataBatch(0, SEED, 0, 2));
                final ByteBuffer second = RawFrames.dataBatch(1, SEED, 10, 4);
                assertTrue(bytesOfSecondBatch < second.limit());
                RawFrames.write(channel, second.limit(bytesOfSecondBatch));
            }

            final Throwable failure = receiver.awaitFailure();
            assertInstanceOf(TransferException.class, failure);
            assertTrue(failure.getMessage().contains("connection closed by test sender"), failure.getMessage());
            assertTrue(failure.getMessage().contains("while waiting for RUN_BATCH or END"), failure.getMessage());
        }
        assertEquals(imageSize, Files.size(destination));
    }

    @Test
    void shouldNeverReportSuccessWhenTheSenderClosesBeforeTheHello() throws Exception
    {
        final Path destination = dir.resolve("dst.img");

        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                RawFrames.write(channel, RawFrames.hello(PAGE_SIZE, 0, SESSION_ID).limit(20));
            }

            final Throwable failure = receiver.awaitFailure();
            assertInstanceOf(TransferException.class, failure);
            assertTrue(failure.getMessage().contains("connection closed"), failure.getMessage());
        }
        assertFalse(Files.exists(destination), "no destination before a valid HELLO");
    }

    @Test
    void shouldRefuseALiveImageTooLargeForItsPageHashesBeforeCreatingTheDestination() throws Exception
    {
        // found reviewing the receiver for the frame fuzzers: a live HELLO of more than 2^28 pages made the receiver
        // create (or resize) the destination, then fail with an IllegalArgumentException, without an ERROR frame
        final Path destination = dir.resolve("dst.img");
        final long pages = PageHashLedger.MAX_PAGES + 1;

        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                RawFrames.write(channel, RawFrames.hello(pages * PAGE_SIZE,
                    ProtocolDescriptor.OPTION_LIVE | ProtocolDescriptor.OPTION_NO_SYNC, SESSION_ID));
                final FrameChannel frames = new FrameChannel(channel, "test receiver",
                    ProtocolDescriptor.MAX_FRAME_LENGTH);
                final RamshiftException error = assertThrows(RamshiftException.class,
                    () -> frames.readFrame("HELLO_ACK"));
                assertTrue(error.getMessage().contains("image too large for this receiver: pages=" + pages),
                    error.getMessage());

                final Throwable failure = receiver.awaitFailure();
                assertInstanceOf(DestinationException.class, failure);
                assertTrue(failure.getMessage().contains("max=" + PageHashLedger.MAX_PAGES), failure.getMessage());
            }
        }
        assertFalse(Files.exists(destination), "nothing is created for a refused session");
    }

    @Test
    void shouldRefuseAFrameLongerThanTheLimitWithoutWritingOutsideTheImage() throws Exception
    {
        final long imageSize = 64 * PAGE_SIZE;
        final Path destination = dir.resolve("dst.img");

        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                handshake(channel, imageSize);
                final ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                header.putInt(0, ProtocolDescriptor.MAX_FRAME_LENGTH + 1);
                header.putShort(4, (short)ProtocolDescriptor.TYPE_RUN_BATCH);
                RawFrames.write(channel, header);

                final Throwable failure = receiver.awaitFailure();
                assertInstanceOf(TransferException.class, failure);
                assertTrue(failure.getMessage().contains("frame length out of range"), failure.getMessage());
                assertTrue(failure.getMessage().contains("length=" + (ProtocolDescriptor.MAX_FRAME_LENGTH + 1)),
                    failure.getMessage());
            }
        }
        assertEquals(imageSize, Files.size(destination));
        assertEquals(0, DataExtents.of(destination, imageSize).count(), "nothing written");
    }

    @Test
    void shouldRefuseARunPastTheImageEndWithoutWritingOutsideTheImage() throws Exception
    {
        final long pages = 64;
        final Path destination = dir.resolve("dst.img");

        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                final FrameChannel frames = handshake(channel, pages * PAGE_SIZE);
                RawFrames.write(channel, RawFrames.dataBatch(0, SEED, pages - 1, 2));

                final TransferException reported = assertThrows(
                    TransferException.class, () -> frames.readFrame("ERROR"));
                assertTrue(reported.getMessage().contains("run past image end"), reported.getMessage());
            }

            final Throwable failure = receiver.awaitFailure();
            assertInstanceOf(TransferException.class, failure);
            assertTrue(failure.getMessage().contains("run past image end: page=63 count=2 pages=64"),
                failure.getMessage());
        }
        assertEquals(pages * PAGE_SIZE, Files.size(destination));
        assertEquals(0, DataExtents.of(destination, pages * PAGE_SIZE).count(), "nothing written");
    }

    @Test
    void shouldLeaveAnExistingDestinationUntouchedWhenABatchIsHostile() throws Exception
    {
        final long pages = 64;
        final Path destination = TestImages.createSparse(dir.resolve("dst.img"), pages * PAGE_SIZE);
        TestImages.writePages(destination, 0, pages, STALE);
        final byte[] before = Files.readAllBytes(destination);

        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                final HelloAckFlyweight ack = new HelloAckFlyweight();
                ack.wrap(handshake(channel, pages * PAGE_SIZE).in(), 0);
                assertEquals(HelloAckDescriptor.DESTINATION_EXISTING, ack.destinationState());
                RawFrames.write(channel, RawFrames.dataBatch(0, SEED, 5, 2, pages, 1));
            }

            final Throwable failure = receiver.awaitFailure();
            assertTrue(failure.getMessage().contains("run past image end"), failure.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(destination), "a batch is validated before any page is written");
    }

    @Test
    void shouldReportADigestMismatchInsteadOfSuccess() throws Exception
    {
        final long pages = 64;
        final Path destination = dir.resolve("dst.img");

        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                final FrameChannel frames = handshake(channel, pages * PAGE_SIZE);
                RawFrames.write(channel, RawFrames.dataBatch(0, SEED, 3, 4));
                RawFrames.write(channel, RawFrames.end(1, 0, 4, 1, 0x1234_5678L));

                assertEquals(ProtocolDescriptor.TYPE_RESULT, frames.readFrame("RESULT"));
                final ResultFlyweight result = new ResultFlyweight();
                result.wrap(frames.in(), 0);
                result.validate();
                assertEquals(ProtocolDescriptor.STATUS_DIGEST_MISMATCH, result.status());
            }

            final Throwable failure = receiver.awaitFailure();
            assertInstanceOf(TransferException.class, failure);
            assertTrue(failure.getMessage().contains("destination does not match the sender"), failure.getMessage());
        }
    }

    @Test
    void shouldVerifyAStreamThatAddsUp() throws Exception
    {
        final long pages = 64;
        final Path destination = dir.resolve("dst.img");
        final ImageDigest digest = new ImageDigest();
        final ByteBuffer page = ByteBuffer.allocateDirect(PAGE_SIZE);
        for (long p = 3; p < 7; p++)
        {
            page.clear();
            page.put(TestImages.pageContent(SEED, p));
            digest.addPage(p, ImageDigest.pageHash(BufferUtil.address(page)));
        }

        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                final FrameChannel frames = handshake(channel, pages * PAGE_SIZE);
                RawFrames.write(channel, RawFrames.dataBatch(0, SEED, 3, 4));
                RawFrames.write(channel, RawFrames.end(1, 0, 4, 1, digest.value()));

                assertEquals(ProtocolDescriptor.TYPE_RESULT, frames.readFrame("RESULT"));
                final ResultFlyweight result = new ResultFlyweight();
                result.wrap(frames.in(), 0);
                assertEquals(ProtocolDescriptor.STATUS_VERIFIED, result.validate().status());
                assertEquals(digest.value(), result.digest());
            }

            final TransferStats stats = receiver.awaitSuccess();
            assertTrue(stats.verified);
            assertEquals(4, stats.dataPages);
        }
        for (long p = 3; p < 7; p++)
        {
            assertArrayEquals(TestImages.pageContent(SEED, p), TestImages.readPage(destination, p));
        }
    }

    @Test
    void shouldRefuseABatchOutOfSequence() throws Exception
    {
        final Path destination = dir.resolve("dst.img");

        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                handshake(channel, 64 * PAGE_SIZE);
                RawFrames.write(channel, RawFrames.dataBatch(1, SEED, 3, 1));
            }

            final Throwable failure = receiver.awaitFailure();
            assertTrue(failure.getMessage().contains("batch out of sequence: sequence=1 expected=0"),
                failure.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------

    private static TransferOptions options()
    {
        final TransferOptions options = new TransferOptions();
        options.noSync = true;
        return options;
    }

    private static LoopbackMigration migrate(final TransferOptions options, final Path source, final Path bitmap,
        final Path destination)
    {
        final LoopbackMigration migration = new LoopbackMigration(options);
        migration.migrate(source, bitmap, destination);
        assertTrue(migration.senderStats().verified, "sender verified");
        assertTrue(migration.receiverStats().verified, "receiver verified");
        return migration;
    }

    /** Data at 0, 14..18 and 30..49 and the last page; zeros written at 60..69; every other page a hole. */
    private Path mixedImage(final long pages)
    {
        final Path path = TestImages.createSparse(dir.resolve("src.img"), pages * PAGE_SIZE);
        TestImages.writePage(path, 0, SEED);
        TestImages.writePages(path, 14, 5, SEED);
        TestImages.writePages(path, 30, 20, SEED);
        TestImages.writeZeroPages(path, 60, 10);
        TestImages.writePage(path, pages - 1, SEED);
        return path;
    }

    private static void assertFreePagesNotSent(final Path destination, final Set<Long> free)
    {
        for (final long page : free)
        {
            assertArrayEquals(new byte[PAGE_SIZE], TestImages.readPage(destination, page),
                "free page " + page + " must not travel into a created destination");
        }
    }

    private static void addRange(final java.util.Collection<Long> pages, final long first, final long count)
    {
        for (long page = first; page < first + count; page++)
        {
            pages.add(page);
        }
    }

    private static long digestOf(final Path path, final LongPredicate free)
    {
        final ByteBuffer page = ByteBuffer.allocateDirect(PAGE_SIZE);
        final long pages = path.toFile().length() / PAGE_SIZE;
        final ImageDigest digest = new ImageDigest();
        for (long p = 0; p < pages; p++)
        {
            if (!free.test(p))
            {
                page.clear();
                page.put(TestImages.readPage(path, p));
                digest.addPage(p, ImageDigest.pageHash(BufferUtil.address(page)));
            }
        }
        return digest.value();
    }

    private static <T extends Throwable> T causeOf(final Throwable thrown, final Class<T> type)
    {
        for (Throwable t = thrown; t != null; t = t.getCause())
        {
            if (type.isInstance(t))
            {
                return type.cast(t);
            }
        }
        return fail("no " + type.getSimpleName() + " in " + thrown, thrown);
    }

    private static FrameChannel handshake(final SocketChannel channel, final long imageSize)
    {
        RawFrames.write(channel, RawFrames.hello(imageSize, ProtocolDescriptor.OPTION_NO_SYNC, SESSION_ID));
        final FrameChannel frames = new FrameChannel(channel, "test receiver", ProtocolDescriptor.MAX_FRAME_LENGTH);
        assertEquals(ProtocolDescriptor.TYPE_HELLO_ACK, frames.readFrame("HELLO_ACK"));
        final HelloAckFlyweight ack = new HelloAckFlyweight();
        ack.wrap(frames.in(), 0);
        ack.validate(SESSION_ID);
        return frames;
    }
}
