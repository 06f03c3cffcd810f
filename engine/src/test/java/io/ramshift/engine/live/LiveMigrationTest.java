package io.ramshift.engine.live;

import io.ramshift.engine.TestImages;

import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.generate.GeneratorProfile;
import io.ramshift.engine.generate.ImageGenerator;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveMigrationTest
{
    private static final long SIZE = 32L << 20;

    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldConvergeWithAnInProcessWriterAndMatchTheSourceAtTheStop()
    {
        final Path image = generate();
        try (MappedImage writable = MappedImage.open(image, true, MappedImage.DEFAULT_CHUNK_SIZE))
        {
            final DirtyPageBitmap dirty = new DirtyPageBitmap(writable.pageCount());
            final PageWriterWorkload workload = new PageWriterWorkload(new GuestMemory(writable, dirty), null, 0,
                writable.pageCount(), 2_000, 1);
            final LiveRounds rounds = new LiveRounds(new BitmapDirtySource(dirty, null), 20_000_000L, 30,
                20_000_000_000L, workload::stop, workload);
            final LoopbackMigration migration = migrateLive(image, rounds, workload);

            assertTrue(migration.senderStats().verified);
            assertTrue(workload.pagesWritten() > 0);
            assertFalse(rounds.forcedStop(), "a slow writer converges");
            final List<RoundFigures> figures = rounds.figures();
            assertTrue(figures.size() >= 2, "bulk round and final round");
            assertTrue(figures.get(figures.size() - 1).last);
            assertTrue(migration.senderStats().pagesSent() > writable.pageCount(), "changed pages travelled again");
            TestImages.assertSameNonFreePages(image, dir.resolve("copy.ram"), page -> false);
        }
    }

    @Test
    void shouldForceTheStopAtTheRoundLimitWhenTheWriterOutrunsTheLinkAndStillMatch()
    {
        final Path image = generate();
        try (MappedImage writable = MappedImage.open(image, true, MappedImage.DEFAULT_CHUNK_SIZE))
        {
            final DirtyPageBitmap dirty = new DirtyPageBitmap(writable.pageCount());
            final PageWriterWorkload workload = new PageWriterWorkload(new GuestMemory(writable, dirty), null, 0,
                writable.pageCount(), 500_000, 2);
            final LiveRounds rounds = new LiveRounds(new BitmapDirtySource(dirty, null), -1L, 2,
                20_000_000_000L, workload::stop, null);
            final LoopbackMigration migration = migrateLive(image, rounds, workload);

            assertTrue(migration.senderStats().verified);
            assertTrue(rounds.forcedStop(), "a writer faster than the limit forces the stop");
            assertEquals(4, rounds.figures().size(), "bulk, two rounds, final");
            TestImages.assertSameNonFreePages(image, dir.resolve("copy.ram"), page -> false);
        }
    }

    @Test
    void shouldFindAnExternalWritersPagesByHashRescan()
    {
        final Path image = generate();
        try (MappedImage writable = MappedImage.open(image, true, MappedImage.DEFAULT_CHUNK_SIZE))
        {
            final PageWriterWorkload workload = new PageWriterWorkload(null, writable, 100, 2_000, 3_000, 3);
            final HashRescanDirtySource rescan = new HashRescanDirtySource();
            final LiveRounds rounds = new LiveRounds(rescan, 20_000_000L, 30, 20_000_000_000L, workload::stop,
                workload);
            final LoopbackMigration migration = migrateLive(image, rounds, workload);

            assertTrue(migration.senderStats().verified);
            assertTrue(rescan.rescanBytes() > 0);
            TestImages.assertSameNonFreePages(image, dir.resolve("copy.ram"), page -> false);
        }
    }

    /** Start the writer, migrate live into copy.ram, and make sure the writer is stopped even on failure. */
    @Test
    void shouldZeroPagesThatBecameZeroAfterTheyWereWrittenIntoANewDestination()
    {
        final Path image = generate();
        try (MappedImage writable = MappedImage.open(image, true, MappedImage.DEFAULT_CHUNK_SIZE))
        {
            final DirtyPageBitmap dirty = new DirtyPageBitmap(writable.pageCount());
            final GuestMemory memory = new GuestMemory(writable, dirty);
            final long zeroed = 256L * 4096;
            long dataPages = 0;
            for (long p = 0; p < zeroed / 4096; p++)
            {
                dataPages += TestImages.isZero(TestImages.readPage(image, p)) ? 0 : 1;
            }
            assertTrue(dataPages > 0, "the first MiB holds data the bulk round writes");
            final PageWriterWorkload workload = new PageWriterWorkload(memory, null, writable.pageCount() - 64, 64,
                1_000, 3);
            // the guest frees and clears the first MiB just before it stops: the final round sends it as ZERO runs
            // over pages the bulk round wrote into the destination this receiver created
            final LiveRounds rounds = new LiveRounds(new BitmapDirtySource(dirty, null), 20_000_000L, 30,
                20_000_000_000L, () ->
                {
                    workload.stop();
                    memory.setMemory(0, zeroed, (byte)0);
                }, null);
            final LoopbackMigration migration = migrateLive(image, rounds, workload);

            assertTrue(migration.senderStats().verified);
            assertTrue(migration.senderStats().zeroPages > 0);
            TestImages.assertSameNonFreePages(image, dir.resolve("copy.ram"), page -> false);
        }
    }

    private LoopbackMigration migrateLive(final Path image, final LiveRounds rounds, final PageWriterWorkload workload)
    {
        final TransferOptions options = new TransferOptions();
        options.live = rounds;
        options.noSync = true;
        final LoopbackMigration migration = new LoopbackMigration(options);
        workload.start();
        try
        {
            migration.migrate(image, null, dir.resolve("copy.ram"));
        }
        finally
        {
            workload.stop();
        }
        return migration;
    }

    private Path generate()
    {
        final Path image = dir.resolve("guest.ram");
        new ImageGenerator(new ImageGenerator.Context()
            .profile(GeneratorProfile.ofFractions(0.9, 0, 0.07, 0.03, 0))
            .sizeBytes(SIZE)
            .seed(5)
            .imagePath(image)
            .sparse(true))
            .generate();
        return image;
    }
}
