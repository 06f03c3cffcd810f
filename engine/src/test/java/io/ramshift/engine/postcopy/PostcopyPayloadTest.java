package io.ramshift.engine.postcopy;

import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.generate.GeneratorProfile;
import io.ramshift.engine.generate.ImageGenerator;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.live.BitmapDirtySource;
import io.ramshift.engine.live.DirtyPageBitmap;
import io.ramshift.engine.live.LiveRounds;
import io.ramshift.engine.scan.ZeroPageDetector;
import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferOptions;
import io.ramshift.engine.transfer.TransferStats;
import io.ramshift.engine.verify.ImageComparator;
import io.ramshift.engine.verify.ImageComparison;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pure post-copy of an image with free, zero, compressible and random pages sends only what must travel: free pages
 * are current at the switch (never pushed nor demanded), zero pages go as ZERO entries, data pages as LZ4 blocks
 * when they shrink; every page not free arrives byte for byte and the session verifies.
 */
class PostcopyPayloadTest
{
    private static final long SIZE = 16L << 20;

    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldSendNeitherFreePagesNorZeroBytesAndCompressDataInPurePostcopy()
    {
        final Path image = dir.resolve("guest.ram");
        final Path bitmapPath = dir.resolve("guest.free");
        new ImageGenerator(new ImageGenerator.Context()
            .profile(GeneratorProfile.ofFractions(0.2, 0.4, 0.25, 0.1, 0.05))
            .sizeBytes(SIZE)
            .seed(5)
            .imagePath(image)
            .freeBitmapPath(bitmapPath)
            .sparse(true))
            .generate();
        long freePages = 0;
        long zeroPages = 0;
        long dataPages = 0;
        final long pageCount;
        final FreePageBitmap free;
        try (MappedImage source = MappedImage.openReadOnly(image))
        {
            pageCount = source.pageCount();
            free = FreePageBitmap.load(bitmapPath, pageCount);
            final ZeroPageDetector zero = new ZeroPageDetector(source);
            for (long page = 0; page < pageCount; page++)
            {
                if (free.isFree(page))
                {
                    freePages++;
                }
                else if (zero.isZero(page))
                {
                    zeroPages++;
                }
                else
                {
                    dataPages++;
                }
            }
        }
        assertTrue(freePages > 0 && zeroPages > 0 && dataPages > 0, "the mix has every kind");

        final LiveRounds rounds = new LiveRounds(new BitmapDirtySource(new DirtyPageBitmap(pageCount), null), -1L, 30,
            20_000_000_000L, () -> { }, null).postcopy(0, true, 4096);
        final TransferOptions options = new TransferOptions();
        options.live = rounds;
        options.noSync = true;
        options.lz4Always = true;
        options.postcopy = new PostcopySettings();
        final AtomicLong freeNotCurrent = new AtomicLong();
        final AtomicLong freeRead = new AtomicLong();
        final AtomicReference<Thread> freeReader = new AtomicReference<>();
        final AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        options.postcopy.onSwitch = switched ->
        {
            for (long page = 0; page < pageCount; page++)
            {
                if (free.isFree(page) && !switched.isCurrent(page))
                {
                    freeNotCurrent.incrementAndGet();
                }
            }
            // a reader of free pages only: each read returns at once and demands nothing
            final Thread reader = new Thread(() ->
            {
                try
                {
                    final UnsafeBuffer bytes = new UnsafeBuffer(BufferUtil.allocateDirectAligned(4096, 64));
                    for (long page = 0; page < pageCount; page++)
                    {
                        if (free.isFree(page))
                        {
                            switched.readPage(page, bytes, 0);
                            freeRead.incrementAndGet();
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    readerFailure.set(ex);
                }
            }, "test-free-reader");
            freeReader.set(reader);
            reader.start();
        };
        final LoopbackMigration migration = new LoopbackMigration(options);
        migration.migrate(image, bitmapPath, dir.resolve("copy.ram"));
        try
        {
            freeReader.get().join(30_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }

        final TransferStats sender = migration.senderStats();
        final TransferStats receiver = migration.receiverStats();
        assertTrue(sender.verified);
        assertEquals("pure post-copy", rounds.switchReason());
        assertEquals(freePages, sender.freePages);
        assertEquals(pageCount - freePages, sender.postcopy.pagesAtSwitch, "free pages are current at the switch");
        assertEquals(pageCount - freePages, receiver.postcopy.pagesAtSwitch);
        assertEquals(0, freeNotCurrent.get());
        assertNull(readerFailure.get());
        assertEquals(freePages, freeRead.get());
        assertEquals(0, receiver.postcopy.faults, "reading a free page is no fault");
        assertEquals(0, sender.postcopy.demandedPages, "no free page was demanded");
        assertTrue(sender.postcopy.lz4PushFrames > 0, "compressible pushes went as LZ4");
        // raw, the pages not free cost 4096 bytes each; zero pages must cost only their 16-byte entry and LZ4 must
        // save on the data pages (a quarter of the image is compressible ~2.4x, a tenth random)
        final long rawDataBytes = dataPages * 4096;
        assertTrue(sender.bytesSent < rawDataBytes * 85 / 100,
            "bytes=" + sender.bytesSent + " raw data bytes=" + rawDataBytes);
        assertTrue(sender.bytesSent < SIZE * 30 / 100, "bytes=" + sender.bytesSent + " image=" + SIZE);
        try (MappedImage a = MappedImage.openReadOnly(image);
            MappedImage b = MappedImage.openReadOnly(dir.resolve("copy.ram")))
        {
            final ImageComparison comparison = new ImageComparator(2).compare(a, b, free,
                DataExtents.whole(a.size()), DataExtents.whole(b.size()));
            assertTrue(comparison.identical(), comparison.differingPages() + " pages differ, first " +
                comparison.firstDiffering());
            assertEquals(pageCount - freePages, comparison.comparedPages(), "every page not free compared");
        }
    }
}
