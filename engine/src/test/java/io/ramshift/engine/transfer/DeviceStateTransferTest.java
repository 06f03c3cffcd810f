package io.ramshift.engine.transfer;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.SparseFile;
import io.ramshift.layout.DeviceStateDescriptor;
import io.ramshift.layout.ProtocolDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hypervisor hand-off: a device state travels after the last page and is loaded only once the destination
 * file, read back, holds exactly what the sender sent.
 */
@ExtendWith(ResourceLeakExtension.class)
class DeviceStateTransferTest
{
    private static final long SEED = 5;
    private static final long PAGES = 256;
    private static final long SESSION_ID = 0xDE51_CE00L;

    @TempDir
    Path dir;

    @Test
    void shouldLoadTheDeviceStateOnlyAfterEveryPageIsInTheDestination()
    {
        final Path source = image();
        final Path destination = dir.resolve("dst.img");
        // three chunks: the state crosses two chunk boundaries
        final byte[] state = pattern(2 * DeviceStateDescriptor.MAX_CHUNK_LENGTH + 12_345);
        final AtomicReference<byte[]> loaded = new AtomicReference<>();
        final TransferOptions options = options();
        options.deviceState = () -> ByteBuffer.wrap(state);
        options.deviceStateSink = (bytes) ->
        {
            // the RAM must be complete before the device state is loaded
            TestImages.assertSamePages(source, destination, 0, 1, 17, 100, PAGES - 1);
            final byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            loaded.set(copy);
        };

        final LoopbackMigration migration = new LoopbackMigration(options);
        migration.migrate(source, null, destination);

        assertArrayEquals(state, loaded.get());
        assertEquals(state.length, migration.senderStats().deviceStateBytes);
        assertEquals(state.length, migration.receiverStats().deviceStateBytes);
        assertTrue(migration.receiverStats().readBackNanos > 0, "the destination was read back");
        assertTrue(migration.senderStats().verified);
    }

    @Test
    void shouldCarryAnEmptyDeviceState()
    {
        final AtomicInteger calls = new AtomicInteger();
        final TransferOptions options = options();
        options.deviceState = () -> ByteBuffer.allocate(0);
        options.deviceStateSink = (bytes) ->
        {
            assertEquals(0, bytes.remaining());
            calls.incrementAndGet();
        };

        new LoopbackMigration(options).migrate(image(), null, dir.resolve("dst.img"));

        assertEquals(1, calls.get());
    }

    @Test
    void shouldNotLoadTheDeviceStateWhenAPageOfTheDestinationChangedAfterItWasWritten()
    {
        final Path source = image();
        final Path destination = dir.resolve("dst.img");
        final AtomicInteger loads = new AtomicInteger();
        final TransferOptions options = options();
        options.deviceState = () -> ByteBuffer.wrap(pattern(1000));
        options.deviceStateSink = (bytes) -> loads.incrementAndGet();
        options.beforeVerify = (path) -> TestImages.flipByte(path, 17L * PAGE_SIZE + 100);

        final TransferException ex = assertThrows(TransferException.class,
            () -> new LoopbackMigration(options).migrate(source, null, destination));

        assertTrue(ex.getMessage().contains("does not hold what was received"), ex.getMessage());
        assertTrue(ex.getMessage().contains("differingPages=1 first=[17]"), ex.getMessage());
        assertEquals(0, loads.get(), "the device state must not be loaded over a corrupt image");
    }

    @Test
    void shouldCatchAHoleThatAppearedInTheDestination()
    {
        final Path destination = dir.resolve("dst.img");
        final TransferOptions options = options();
        options.verifyReadBack = true;
        options.beforeVerify = (path) ->
        {
            try (SparseFile file = SparseFile.open(path, true))
            {
                assertTrue(file.punchHole(0, PAGE_SIZE), "hole punched");
            }
        };

        final TransferException ex = assertThrows(TransferException.class,
            () -> new LoopbackMigration(options).migrate(image(), null, destination));

        assertTrue(ex.getMessage().contains("first=[0]"), ex.getMessage());
    }

    @Test
    void shouldReportTheSinksFailureToTheSender()
    {
        final TransferOptions options = options();
        options.deviceState = () -> ByteBuffer.wrap(pattern(10));
        options.deviceStateSink = (bytes) ->
        {
            throw new IllegalStateException("migrate-incoming refused");
        };

        final RuntimeException ex = assertThrows(RuntimeException.class,
            () -> new LoopbackMigration(options).migrate(image(), null, dir.resolve("dst.img")));

        assertTrue(ex.getMessage().contains("migrate-incoming refused"), ex.getMessage());
    }

    @Test
    void shouldRefuseADeviceStateWhenTheReceiverHasNoHypervisor() throws Exception
    {
        final Path destination = dir.resolve("dst.img");
        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                RawFrames.write(channel, RawFrames.hello(PAGES * PAGE_SIZE,
                    ProtocolDescriptor.OPTION_DEVICE_STATE | ProtocolDescriptor.OPTION_NO_SYNC, SESSION_ID));
                final Throwable failure = receiver.awaitFailure();
                assertTrue(failure instanceof DestinationException, String.valueOf(failure));
                assertTrue(failure.getMessage().contains("no hypervisor"), failure.getMessage());
            }
        }
        assertTrue(!destination.toFile().exists(), "nothing is created for a refused session");
    }

    @Test
    void shouldRefuseASessionWithoutDeviceStateWhenTheReceiverLoadsOne() throws Exception
    {
        final TransferOptions options = options();
        options.deviceStateSink = (bytes) -> { };
        try (RawReceiver receiver = new RawReceiver(options, dir.resolve("dst.img")))
        {
            try (SocketChannel channel = receiver.connect())
            {
                RawFrames.write(channel, RawFrames.hello(PAGES * PAGE_SIZE, ProtocolDescriptor.OPTION_NO_SYNC,
                    SESSION_ID));
                final Throwable failure = receiver.awaitFailure();
                assertTrue(failure.getMessage().contains("sender sends none"), failure.getMessage());
            }
        }
    }

    @Test
    void shouldRefuseADeviceStateChunkOutOfOrder() throws Exception
    {
        assertHostileDeviceState("out of order",
            RawFrames.deviceState(100, 0, new byte[40]), RawFrames.deviceState(100, 50, new byte[10]));
    }

    @Test
    void shouldRefuseADeviceStateLargerThanTheLimit() throws Exception
    {
        assertHostileDeviceState("too large",
            RawFrames.deviceState(ProtocolDescriptor.MAX_DEVICE_STATE_LENGTH + 1, 0, new byte[40]));
    }

    @Test
    void shouldRefuseAnEndBeforeTheWholeDeviceState() throws Exception
    {
        assertHostileDeviceState("END before the whole device state",
            RawFrames.deviceState(100, 0, new byte[40]), RawFrames.end(1, 0, 1, 1, 0));
    }

    @Test
    void shouldRefuseARunBatchAfterTheDeviceStateBegan() throws Exception
    {
        assertHostileDeviceState("expected DEVICE_STATE or END",
            RawFrames.deviceState(100, 0, new byte[40]), RawFrames.dataBatch(1, SEED, 5, 1));
    }

    private void assertHostileDeviceState(final String expected, final ByteBuffer... frames) throws Exception
    {
        final AtomicInteger loads = new AtomicInteger();
        final TransferOptions options = options();
        options.deviceStateSink = (bytes) -> loads.incrementAndGet();
        try (RawReceiver receiver = new RawReceiver(options, dir.resolve("dst.img")))
        {
            try (SocketChannel channel = receiver.connect())
            {
                RawFrames.write(channel, RawFrames.hello(PAGES * PAGE_SIZE,
                    ProtocolDescriptor.OPTION_DEVICE_STATE | ProtocolDescriptor.OPTION_NO_SYNC, SESSION_ID));
                RawFrames.write(channel, RawFrames.dataBatch(0, SEED, 3, 2));
                for (final ByteBuffer frame : frames)
                {
                    RawFrames.write(channel, frame);
                }
                final Throwable failure = receiver.awaitFailure();
                assertTrue(failure.getMessage().contains(expected), failure.getMessage());
            }
        }
        assertEquals(0, loads.get());
    }

    private Path image()
    {
        final Path path = TestImages.createSparse(dir.resolve("src.img"), PAGES * PAGE_SIZE);
        TestImages.writePage(path, 0, SEED);
        TestImages.writePages(path, 10, 30, SEED);
        TestImages.writePages(path, 100, 3, SEED);
        TestImages.writePage(path, PAGES - 1, SEED);
        return path;
    }

    private static TransferOptions options()
    {
        final TransferOptions options = new TransferOptions();
        options.noSync = true;
        return options;
    }

    private static byte[] pattern(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i * 31 + (i >>> 11));
        }
        return bytes;
    }
}
