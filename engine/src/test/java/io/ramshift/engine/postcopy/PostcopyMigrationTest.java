package io.ramshift.engine.postcopy;

import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.generate.GeneratorProfile;
import io.ramshift.engine.generate.ImageGenerator;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.live.BitmapDirtySource;
import io.ramshift.engine.live.DirtyPageBitmap;
import io.ramshift.engine.live.GuestMemory;
import io.ramshift.engine.live.LiveRounds;
import io.ramshift.engine.live.PageWriterWorkload;
import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferOptions;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostcopyMigrationTest
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
    void shouldServeReadersTheSourceAtTheSwitchInAHybridMigrationAndVerify()
    {
        final Run run = new Run(2, false);
        run.migrate();

        assertTrue(run.migration.senderStats().verified);
        assertTrue(run.rounds.switchedToPostcopy());
        assertEquals("round limit", run.rounds.switchReason());
        run.assertReadersSawTheSnapshot();
        final PostcopyFigures sender = run.migration.senderStats().postcopy;
        final PostcopyFigures receiver = run.migration.receiverStats().postcopy;
        assertTrue(sender.pagesAtSwitch > 0);
        assertEquals(sender.pagesAtSwitch, sender.ackedPages);
        assertEquals(sender.pagesAtSwitch, receiver.pagesAtSwitch);
        assertEquals(receiver.pagesAtSwitch, receiver.pushedPages + receiver.repliedPages +
            receiver.prefetchedPages);
        TestImages.assertSameNonFreePages(run.snapshot, dir.resolve("copy.ram"), page -> false);
        TestImages.assertSameNonFreePages(run.image, dir.resolve("copy.ram"), page -> false);
    }

    @Test
    void shouldPostcopyTheWholeImageInPurePostcopy()
    {
        final Run run = new Run(0, true);
        run.migrate();

        assertTrue(run.migration.senderStats().verified);
        assertEquals("pure post-copy", run.rounds.switchReason());
        assertEquals(1, run.rounds.figures().size(), "no bulk round: only the switch");
        assertEquals(run.migration.senderStats().imagePages, run.migration.senderStats().postcopy.pagesAtSwitch);
        assertEquals(0, run.migration.senderStats().dataPages, "no page went before the switch");
        run.assertReadersSawTheSnapshot();
        TestImages.assertSameNonFreePages(run.snapshot, dir.resolve("copy.ram"), page -> false);
    }

    @Test
    void shouldSwitchRightAfterTheBulkRoundWithPostcopyAfterZero()
    {
        final Run run = new Run(0, false);
        run.migrate();

        assertTrue(run.migration.senderStats().verified);
        assertEquals("round limit", run.rounds.switchReason());
        assertEquals(2, run.rounds.figures().size(), "bulk round and the switch");
        run.assertReadersSawTheSnapshot();
        TestImages.assertSameNonFreePages(run.snapshot, dir.resolve("copy.ram"), page -> false);
    }

    @Test
    void shouldSwitchOnRequest()
    {
        final Run run = new Run(1_000, false);
        run.rounds.requestPostcopy();
        run.migrate();

        assertTrue(run.migration.senderStats().verified);
        assertEquals("requested", run.rounds.switchReason());
        assertEquals(2, run.rounds.figures().size(), "bulk round, then the switch at the first round boundary");
        run.assertReadersSawTheSnapshot();
        TestImages.assertSameNonFreePages(run.snapshot, dir.resolve("copy.ram"), page -> false);
    }

    @Test
    void shouldEndWithAFinalRoundAndNoSwitchWhenTheRoundsConverge()
    {
        final Run run = new Run(5, false, 500, 1_000_000_000L);
        run.migrate();

        assertTrue(run.migration.senderStats().verified);
        assertFalse(run.rounds.switchedToPostcopy());
        assertNull(run.migration.senderStats().postcopy);
        assertNull(run.readers.get(), "no switch: no readers");
        TestImages.assertSameNonFreePages(run.image, dir.resolve("copy.ram"), page -> false);
    }

    /** Both ends in one process with a fast writer (it does not converge) and checking readers. */
    private final class Run
    {
        final Path image;
        final Path snapshot;
        final LiveRounds rounds;
        final LoopbackMigration migration;
        final AtomicLong checked = new AtomicLong();
        final AtomicReference<String> mismatch = new AtomicReference<>();
        final AtomicReference<PostcopyReaders> readers = new AtomicReference<>();
        private final MappedImage writable;
        private final PageWriterWorkload workload;
        private MappedImage snapshotView;

        Run(final int afterRounds, final boolean fromStart)
        {
            this(afterRounds, fromStart, 400_000, -1L);
        }

        Run(final int afterRounds, final boolean fromStart, final double pagesPerSecond, final long downtimeNanos)
        {
            image = generate();
            snapshot = dir.resolve("snapshot.ram");
            writable = MappedImage.open(image, true, MappedImage.DEFAULT_CHUNK_SIZE);
            final DirtyPageBitmap dirty = new DirtyPageBitmap(writable.pageCount());
            workload = new PageWriterWorkload(new GuestMemory(writable, dirty), null, 0, writable.pageCount(),
                pagesPerSecond, 2);
            rounds = new LiveRounds(new BitmapDirtySource(dirty, null), downtimeNanos, 30, 20_000_000_000L, () ->
            {
                workload.stop();
                copySnapshot();
            }, null).postcopy(afterRounds, fromStart, 4096);
            final TransferOptions options = new TransferOptions();
            options.live = rounds;
            options.noSync = true;
            options.postcopy = new PostcopySettings();
            // paced readers (they park when ahead of 200,000 pages/s) see the same bytes as unpaced ones
            options.postcopy.onSwitch = postcopyImage -> readers.set(new PostcopyReaders(postcopyImage,
                PostcopyReaders.Pattern.RANDOM, 2, 0, 200_000, 7, this::check).start());
            // the push holds after its first frame until a reader has read (bounded), so reads during post-copy
            // happen even when a loaded machine starts the reader threads late; demands are served meanwhile
            options.postcopy.afterPushFrame = this::awaitFirstRead;
            migration = new LoopbackMigration(options);
        }

        private void awaitFirstRead()
        {
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (checked.get() == 0 && System.nanoTime() < deadline)
            {
                LockSupport.parkNanos(1_000_000L);
            }
        }

        private void copySnapshot()
        {
            try
            {
                Files.copy(image, snapshot, StandardCopyOption.REPLACE_EXISTING);
                snapshotView = MappedImage.openReadOnly(snapshot);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        private void check(final long page, final UnsafeBuffer bytes)
        {
            final UnsafeBuffer expected = new UnsafeBuffer(snapshotView.pageAddress(page), 4096);
            if (expected.compareTo(bytes) != 0 && mismatch.get() == null)
            {
                mismatch.set("page " + page + " differs from the source at the switch");
            }
            checked.incrementAndGet();
        }

        void migrate()
        {
            workload.start();
            try
            {
                migration.migrate(image, null, dir.resolve("copy.ram"));
            }
            finally
            {
                workload.stop();
                final PostcopyReaders r = readers.get();
                if (r != null)
                {
                    r.close();
                }
                writable.close();
                if (snapshotView != null)
                {
                    snapshotView.close();
                }
            }
        }

        void assertReadersSawTheSnapshot()
        {
            assertNull(readers.get().failure());
            assertNull(mismatch.get());
            assertTrue(checked.get() > 0, "readers read during post-copy");
        }
    }

    private Path generate()
    {
        final Path path = dir.resolve("guest.ram");
        new ImageGenerator(new ImageGenerator.Context()
            .profile(GeneratorProfile.ofFractions(0.5, 0, 0.4, 0.1, 0))
            .sizeBytes(SIZE)
            .seed(11)
            .imagePath(path)
            .sparse(true))
            .generate();
        return path;
    }
}
