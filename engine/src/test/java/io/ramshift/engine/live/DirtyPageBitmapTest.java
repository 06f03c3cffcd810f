package io.ramshift.engine.live;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.scan.PageClass;
import io.ramshift.layout.DirtyLogDescriptor;
import io.ramshift.layout.DirtyLogFlyweight;
import io.ramshift.layout.FreePageBitmapFlyweight;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirtyPageBitmapTest
{
    @TempDir
    Path dir;

    @AfterEach
    void noThreadsLeft()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldDrainMarkedPagesAsCoalescedRunsAndClearThem()
    {
        final DirtyPageBitmap dirty = new DirtyPageBitmap(200);
        dirty.markPage(0);
        dirty.markRange(62, 4);   // crosses the first word boundary
        dirty.markRange(128, 64); // one whole word
        dirty.markPage(199);      // the last page
        final LongArrayList runs = new LongArrayList();
        final long drained = dirty.drain((pageClass, first, count) ->
        {
            assertEquals(PageClass.DATA, pageClass);
            runs.addLong(first);
            runs.addLong(count);
        });
        assertEquals(1 + 4 + 64 + 1, drained);
        assertEquals("[0, 1, 62, 4, 128, 64, 199, 1]", runs.toString());
        assertEquals(0, dirty.dirtyPages());
        assertEquals(0, dirty.drain((pageClass, first, count) -> runs.addLong(-1)));
    }

    @Test
    void shouldRefuseMarksOutsideTheImage()
    {
        final DirtyPageBitmap dirty = new DirtyPageBitmap(100);
        assertThrows(ImageException.class, () -> dirty.markPage(100));
        assertThrows(ImageException.class, () -> dirty.markPage(-1));
        final ImageException ex = assertThrows(ImageException.class, () -> dirty.markRange(90, 11));
        assertTrue(ex.getMessage().contains("page=90 count=11 pages=100"), ex.getMessage());
        assertThrows(ImageException.class, () -> dirty.markRange(1, Long.MAX_VALUE));
    }

    @Test
    void shouldLoseNoMarkWhileSeveralWritersRaceTheDrainer() throws Exception
    {
        final int pages = 4096;
        final int writers = 4;
        final AtomicLongArray source = new AtomicLongArray(pages);
        final long[] destination = new long[pages];
        final DirtyPageBitmap dirty = new DirtyPageBitmap(pages);
        final AtomicBoolean writing = new AtomicBoolean(true);
        final Thread[] threads = new Thread[writers];
        for (int t = 0; t < writers; t++)
        {
            final int seed = t;
            threads[t] = new Thread(() ->
            {
                final SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < 200_000; i++)
                {
                    final int page = random.nextInt(pages);
                    final int count = 1 + random.nextInt(3);
                    for (int p = page; p < Math.min(pages, page + count); p++)
                    {
                        source.incrementAndGet(p); // the write lands first ...
                    }
                    dirty.markRange(page, Math.min(count, pages - page)); // ... then the page is marked
                }
            }, "ramshift-test-writer-" + t);
        }
        for (final Thread thread : threads)
        {
            thread.start();
        }
        final Thread drainer = new Thread(() ->
        {
            while (writing.get())
            {
                // a round: send every drained page as it is now
                dirty.drain((pageClass, first, count) ->
                {
                    for (long p = first; p < first + count; p++)
                    {
                        destination[(int)p] = source.get((int)p);
                    }
                });
            }
        }, "ramshift-test-drainer");
        drainer.start();
        for (final Thread thread : threads)
        {
            thread.join();
        }
        writing.set(false);
        drainer.join();
        // the final round, with the writers stopped
        dirty.drain((pageClass, first, count) ->
        {
            for (long p = first; p < first + count; p++)
            {
                destination[(int)p] = source.get((int)p);
            }
        });
        long written = 0;
        for (int p = 0; p < pages; p++)
        {
            assertEquals(source.get(p), destination[p], "page " + p);
            written += source.get(p);
        }
        assertTrue(written > 800_000, "writers wrote " + written);
    }

    @Test
    void shouldMarkThePagesADirtyLogNames() throws IOException
    {
        final long pages = 130;
        final Path path = dir.resolve("dirty.log");
        final int length = (int)DirtyLogDescriptor.lengthForPages(pages);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(length));
        new DirtyLogFlyweight().wrap(buffer, 0).encode(4096, pages, 7);
        final FreePageBitmapFlyweight bits = new FreePageBitmapFlyweight().wrap(buffer,
            DirtyLogDescriptor.HEADER_LENGTH, length - DirtyLogDescriptor.HEADER_LENGTH, pages);
        bits.free(0, true).free(64, true).free(129, true);
        Files.write(path, buffer.byteArray());

        final DirtyPageBitmap dirty = new DirtyPageBitmap(pages);
        assertEquals(7, dirty.markFromLog(path, 4096));
        final LongArrayList runs = new LongArrayList();
        dirty.drain((pageClass, first, count) ->
        {
            runs.addLong(first);
            runs.addLong(count);
        });
        assertEquals("[0, 1, 64, 1, 129, 1]", runs.toString());

        Files.write(path, new byte[length - 8]);
        final ImageException ex = assertThrows(ImageException.class, () -> dirty.markFromLog(path, 4096));
        assertTrue(ex.getMessage().contains("wrong length"), ex.getMessage());
        final byte[] foreign = buffer.byteArray().clone();
        foreign[0] = 'X';
        Files.write(path, foreign);
        assertTrue(assertThrows(ImageException.class, () -> dirty.markFromLog(path, 4096)).getMessage()
            .contains("not a dirty log"));
    }
}
