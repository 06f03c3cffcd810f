package io.ramshift.engine.transfer;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.layout.ProtocolDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delta sessions: the destination holds an earlier generation; only what differs travels — bytes for new
 * content, ZERO for pages that became zero, COPY for content the destination already holds at an unchanged page —
 * and the destination ends identical, verified over the whole image.
 */
@ExtendWith(ResourceLeakExtension.class)
class DeltaTransferTest
{
    private static final long PAGES = 3 * 512 + 100;
    private static final long GEN1 = 1;
    private static final long GEN2 = 2;
    private static final long GEN3 = 3;

    @TempDir
    Path dir;

    @Test
    void shouldSendOnlyTheChangedPagesAsDataZeroAndCopyRuns()
    {
        final Path source = generation1();
        final Path destination = copyOf(source, "dst.img");
        // gen 2: three scattered pages (page 0 and the last among them), a run of 8 crossing the chunk boundary at
        // page 512, one page that becomes zero, two pages that take the content of unchanged pages elsewhere
        TestImages.writePage(source, 0, GEN2);
        TestImages.writePage(source, 700, GEN2);
        TestImages.writePage(source, PAGES - 1, GEN2);
        TestImages.writePages(source, 508, 8, GEN2);
        TestImages.writeZeroPages(source, 900, 1);
        copyPage(source, 1200, 1300);
        copyPage(source, 1201, 1301);

        final LoopbackMigration migration = migrate(source, destination);

        TestImages.assertSameNonFreePages(source, destination, (page) -> false);
        final TransferStats sender = migration.senderStats();
        assertEquals(3 + 8, sender.dataPages);
        assertEquals(1, sender.zeroPages);
        assertEquals(2, sender.copyPages);
        assertEquals(1, sender.copyRuns, "the two moved pages coalesce into one COPY run");
        assertEquals(PAGES - 3 - 8 - 1 - 2, sender.unchangedPages);
        assertEquals(4, sender.differingChunks, "chunks 0, 1 (the run crosses into it), 2 and the short last one");
        assertEquals(sender.copyPages, migration.receiverStats().copyPages);
        assertTrue(sender.bytesSent < (3 + 8 + 4) * PAGE_SIZE + 32 * 1024, "bytes sent " + sender.bytesSent);
        // without free pages the page hashes of differing chunks travel as 32 bits: 4 × 2,056 bytes, not 4 × 4,104
        assertTrue(sender.bytesReceived < 12 * 1024, "bytes received " + sender.bytesReceived);
    }

    @Test
    void shouldSendNothingButTheExchangeWhenNothingChanged()
    {
        final Path source = generation1();
        final Path destination = copyOf(source, "dst.img");

        final LoopbackMigration migration = migrate(source, destination);

        assertEquals(0, migration.senderStats().dataPages + migration.senderStats().zeroPages);
        assertEquals(PAGES, migration.senderStats().unchangedPages);
        assertEquals(0, migration.senderStats().differingChunks);
    }

    @Test
    void shouldFillADestinationThatDoesNotExistYet()
    {
        final Path source = generation1();
        final Path destination = dir.resolve("new.img");

        final LoopbackMigration migration = migrate(source, destination);

        TestImages.assertSameNonFreePages(source, destination, (page) -> false);
        assertTrue(migration.senderStats().dataPages > 0);
    }

    @Test
    void shouldChainThreeGenerationsEachAgainstThePreviousCopy()
    {
        final Path source = generation1();
        final Path destination = copyOf(source, "dst.img");
        TestImages.writePages(source, 10, 5, GEN2);
        migrate(source, destination);
        TestImages.assertSameNonFreePages(source, destination, (page) -> false);

        TestImages.writePages(source, 1000, 3, GEN3);
        TestImages.writePage(source, 12, GEN3);
        final LoopbackMigration third = migrate(source, destination);

        TestImages.assertSameNonFreePages(source, destination, (page) -> false);
        assertEquals(4, third.senderStats().dataPages);
    }

    @Test
    void shouldLeaveFreePagesAsTheDestinationHasThemAndStillVerify()
    {
        final Path source = generation1();
        final Path destination = copyOf(source, "dst.img");
        TestImages.writePages(source, 40, 4, GEN2);
        final Set<Long> free = new HashSet<>(List.of(41L, 42L));
        final Path bitmap = TestImages.writeBitmap(dir.resolve("free.bitmap"), PAGES, free);
        final TransferOptions options = options();

        final LoopbackMigration migration = new LoopbackMigration(options);
        migration.migrate(source, bitmap, destination);

        assertTrue(migration.senderStats().verified);
        assertEquals(2, migration.senderStats().dataPages);
        TestImages.assertSameNonFreePages(source, destination, free::contains);
        assertEquals(ByteBuffer.wrap(TestImages.pageContent(GEN1, 41)),
            ByteBuffer.wrap(TestImages.readPage(destination, 41)), "a free page keeps the destination's content");
    }

    @Test
    void shouldVerifyADeltaSessionWhoseReceiverReadsTheDestinationBack()
    {
        // found by the receiver fuzz corpus: the read-back digest covers the pages received, the delta digest the
        // whole image, so every delta session with the read-back check (a device state, or verifyReadBack) failed
        final Path source = generation1();
        final Path destination = copyOf(source, "dst.img");
        TestImages.writePages(source, 10, 3, GEN2);
        TestImages.writeZeroPages(source, 900, 1);
        copyPage(source, 1200, 1300);
        final TransferOptions options = options();
        options.verifyReadBack = true;

        final LoopbackMigration migration = new LoopbackMigration(options);
        migration.migrate(source, null, destination);

        assertTrue(migration.receiverStats().verified, "receiver verified");
        assertTrue(migration.receiverStats().readBackNanos > 0, "the destination was read back");
        TestImages.assertSameNonFreePages(source, destination, (page) -> false);
    }

    @Test
    void shouldRefuseACopyRunInASessionWithoutTheDeltaOption() throws Exception
    {
        final Path destination = dir.resolve("dst.img");
        try (RawReceiver receiver = new RawReceiver(options(), destination))
        {
            try (SocketChannel channel = receiver.connect())
            {
                RawFrames.write(channel, RawFrames.hello(PAGES * PAGE_SIZE, ProtocolDescriptor.OPTION_NO_SYNC, 77));
                RawFrames.write(channel, RawFrames.copyBatch(0, 5, 1, 9));
                final Throwable failure = receiver.awaitFailure();
                assertTrue(failure.getMessage().contains("COPY run in a session without the DELTA option"),
                    failure.getMessage());
            }
        }
    }

    private Path generation1()
    {
        final Path path = TestImages.createSparse(dir.resolve("src.img"), PAGES * PAGE_SIZE);
        TestImages.writePages(path, 0, 300, GEN1);
        TestImages.writePages(path, 500, 200, GEN1);
        TestImages.writePages(path, 880, 40, GEN1);
        TestImages.writePages(path, 1190, 150, GEN1);
        TestImages.writePage(path, PAGES - 1, GEN1);
        return path;
    }

    private Path copyOf(final Path source, final String name)
    {
        try
        {
            return Files.copy(source, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void copyPage(final Path image, final long from, final long to)
    {
        final byte[] bytes = TestImages.readPage(image, from);
        try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining())
            {
                channel.write(buffer, to * PAGE_SIZE + buffer.position());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static TransferOptions options()
    {
        final TransferOptions options = new TransferOptions();
        options.noSync = true;
        options.delta = true;
        return options;
    }

    private static LoopbackMigration migrate(final Path source, final Path destination)
    {
        final LoopbackMigration migration = new LoopbackMigration(options());
        migration.migrate(source, null, destination);
        assertTrue(migration.senderStats().verified, "sender verified");
        assertTrue(migration.receiverStats().verified, "receiver verified");
        return migration;
    }
}
