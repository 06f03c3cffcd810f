package io.ramshift.engine.transfer;

import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.generate.GeneratorProfile;
import io.ramshift.engine.generate.ImageGenerator;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.verify.ImageComparator;
import io.ramshift.engine.verify.ImageComparison;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.RunBatchDescriptor;
import io.ramshift.layout.RunBatchFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamsCodecTransferTest
{
    private static final long IMAGE_SIZE = 24L << 20;

    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldMigrateOverThreeStreamsWithLz4AndDuplicatesIdentically()
    {
        final Path image = generate("post-workload");
        final TransferOptions options = new TransferOptions();
        options.streams = 3;
        options.lz4Always = true;
        options.noSync = true;
        final LoopbackMigration migration = new LoopbackMigration(options);
        final Path copy = dir.resolve("copy.ram");
        migration.migrate(image, dir.resolve("guest.free"), copy);

        final TransferStats sent = migration.senderStats();
        assertTrue(sent.verified);
        assertEquals(3, sent.streams);
        assertTrue(sent.dupPages > 0, "duplicates travel as references");
        assertTrue(sent.lz4Batches > 0, "compressible batches travel as LZ4");
        assertTrue(sent.payloadBytes < sent.rawDataBytes);
        assertEquals(sent.pagesSent(), migration.receiverStats().pagesSent());
        assertEquals(sent.digest, migration.receiverStats().digest);
        assertIdenticalOnNonFreePages(image, copy, dir.resolve("guest.free"));
    }

    @Test
    void shouldSendEverythingRawWithoutLz4AndDedup()
    {
        final Path image = generate("idle");
        final TransferOptions options = new TransferOptions();
        options.lz4 = false;
        options.dedup = false;
        options.noSync = true;
        final LoopbackMigration migration = new LoopbackMigration(options);
        final Path copy = dir.resolve("copy.ram");
        migration.migrate(image, null, copy);

        final TransferStats sent = migration.senderStats();
        assertEquals(0, sent.dupPages);
        assertEquals(0, sent.lz4Batches);
        assertEquals(sent.rawDataBytes, sent.payloadBytes);
        assertIdenticalOnNonFreePages(image, copy, null);
    }

    @Test
    void shouldRefuseDuplicateOfPageNotReceivedYet() throws Exception
    {
        final Path destination = dir.resolve("dst.ram");
        final RunBatchFlyweight batch = new RunBatchFlyweight();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN));
        batch.wrap(frame, 0);
        batch.encodeBody(1, ProtocolDescriptor.ENCODING_RAW, 0, 0, 0);
        batch.run(0, 10, 1, ProtocolDescriptor.RUN_DUP, 3);
        final TransferException failure = receiveHostile(destination, frame, batch.frameLength(), 1);
        assertTrue(failure.getMessage().contains("DUP reference to pages not received yet"), failure.getMessage());
        assertEquals(IMAGE_SIZE, Files.size(destination));
    }

    @Test
    void shouldRefuseLz4PayloadOfWrongSize() throws Exception
    {
        final Path destination = dir.resolve("dst.ram");
        final byte[] page = new byte[PAGE_SIZE];
        page[0] = 1;
        final byte[] compressed = net.jpountz.lz4.LZ4Factory.fastestInstance().fastCompressor().compress(page);
        final RunBatchFlyweight batch = new RunBatchFlyweight();
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN));
        batch.wrap(frame, 0);
        // announces two pages but the block holds one
        batch.encodeBody(1, ProtocolDescriptor.ENCODING_LZ4, compressed.length, 2 * PAGE_SIZE, 0);
        batch.run(0, 5, 2, ProtocolDescriptor.RUN_DATA);
        frame.putBytes(RunBatchDescriptor.payloadOffset(1), compressed);
        final TransferException failure = receiveHostile(destination, frame, batch.frameLength(), 1);
        assertTrue(failure.getMessage().contains("LZ4"), failure.getMessage());
    }

    @Test
    void shouldFailSessionWhoseOtherStreamsNeverConnect() throws Exception
    {
        final TransferException failure = receiveHostile(dir.resolve("dst.ram"), null, 0, 2);
        assertTrue(failure.getMessage().contains("streams of session"), failure.getMessage());
    }

    private TransferException receiveHostile(final Path destination, final UnsafeBuffer frame, final int frameLength,
        final int streamCount) throws Exception
    {
        final TransferOptions options = new TransferOptions();
        options.streamAcceptTimeoutMs = 300;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicReference<TransferStats> stats = new AtomicReference<>();
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final Thread receiver = new Thread(() ->
            {
                try
                {
                    stats.set(new ImageReceiver(options).receive(server, destination));
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            }, "ramshift-test-receiver");
            receiver.start();
            try (SocketChannel channel = SocketChannel.open(server.getLocalAddress()))
            {
                RawFrames.write(channel, RawFrames.hello(IMAGE_SIZE, 0, 42, streamCount));
                if (frame != null)
                {
                    final ByteBuffer ack = ByteBuffer.allocate(32);
                    while (ack.hasRemaining() && channel.read(ack) >= 0)
                    {
                        // read HELLO_ACK
                    }
                    final ByteBuffer bytes = frame.byteBuffer().duplicate();
                    RawFrames.write(channel, bytes.limit(frameLength).position(0));
                }
                receiver.join(10_000);
                assertFalse(receiver.isAlive());
            }
        }
        assertEquals(null, stats.get(), "a hostile session never reports success");
        assertNotNull(failure.get());
        assertInstanceOf(TransferException.class, failure.get());
        return (TransferException)failure.get();
    }

    private Path generate(final String profile)
    {
        final Path image = dir.resolve("guest.ram");
        new ImageGenerator(new ImageGenerator.Context()
            .profile(GeneratorProfile.byName(profile))
            .sizeBytes(IMAGE_SIZE)
            .seed(3)
            .imagePath(image)
            .freeBitmapPath(dir.resolve("guest.free"))
            .sparse(true))
            .generate();
        return image;
    }

    private static void assertIdenticalOnNonFreePages(final Path a, final Path b, final Path bitmapPath)
    {
        try (MappedImage imageA = MappedImage.openReadOnly(a);
            MappedImage imageB = MappedImage.openReadOnly(b))
        {
            final FreePageBitmap bitmap = bitmapPath == null ? null : FreePageBitmap.load(bitmapPath, imageA.pageCount());
            final ImageComparison comparison = new ImageComparator(2).compare(imageA, imageB, bitmap,
                DataExtents.whole(imageA.size()), DataExtents.whole(imageB.size()));
            assertTrue(comparison.identical(), "differing pages: " + comparison.firstDiffering());
            assertEquals(imageA.pageCount(), comparison.comparedPages() + comparison.freePages());
        }
    }
}
