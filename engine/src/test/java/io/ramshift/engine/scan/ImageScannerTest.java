package io.ramshift.engine.scan;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongPredicate;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static io.ramshift.engine.scan.PageClass.DATA;
import static io.ramshift.engine.scan.PageClass.FREE;
import static io.ramshift.engine.scan.PageClass.ZERO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ResourceLeakExtension.class)
class ImageScannerTest
{
    private static final long CHUNK = 64 * 1024;
    private static final long PAGES = 256;
    private static final long SEED = 3;
    private static final long GARBAGE = 666;

    @TempDir
    Path dir;

    /** One run as the scanner delivers it. */
    record Run(int pageClass, long first, long count)
    {
        public String toString()
        {
            return PageClass.name(pageClass) + "(" + first + "," + count + ")";
        }
    }

    @Test
    void shouldDeliverExactlyTheCoalescedRunsAcrossChunkBoundaries()
    {
        final Path path = mixedImage();

        final List<Run> expected = List.of(
            new Run(DATA, 0, 1),
            new Run(ZERO, 1, 13),
            new Run(DATA, 14, 5),
            new Run(ZERO, 19, 11),
            new Run(DATA, 30, 20),
            new Run(ZERO, 50, 205),
            new Run(DATA, 255, 1));
        assertEquals(expected, scan(path, null, false));
        assertEquals(expected, scan(path, null, true));
        assertEquals(expected, reference(path, page -> false));
    }

    @Test
    void shouldDeliverTheSameRunsWithAnEmptyBitmap()
    {
        final Path path = mixedImage();
        final Path bitmap = TestImages.writeBitmap(dir.resolve("bitmap"), PAGES, List.of());

        assertEquals(scan(path, null, false), scan(path, bitmap, false));
        assertEquals(scan(path, null, true), scan(path, bitmap, true));
    }

    @Test
    void shouldReportAFullBitmapAsOneFreeRunWithoutReadingTheGarbage()
    {
        final Path path = TestImages.createSparse(dir.resolve("img"), PAGES * PAGE_SIZE);
        TestImages.writePages(path, 0, PAGES, GARBAGE);
        final Path bitmap = TestImages.writeBitmapWords(dir.resolve("bitmap"), -1L, -1L, -1L, -1L);

        assertEquals(List.of(new Run(FREE, 0, PAGES)), scan(path, bitmap, false));
        assertEquals(List.of(new Run(FREE, 0, PAGES)), scan(path, bitmap, true));
        assertEquals(List.of(new Run(DATA, 0, PAGES)), scan(path, null, false));
    }

    @Test
    void shouldFollowBitmapWordsOfAllOnesAllZerosAndAlternatingBits()
    {
        final Path path = TestImages.createSparse(dir.resolve("img"), PAGES * PAGE_SIZE);
        TestImages.writePages(path, 0, PAGES, GARBAGE);
        final Path bitmap = TestImages.writeBitmapWords(dir.resolve("bitmap"),
            -1L, 0L, 0xAAAA_AAAA_AAAA_AAAAL, 0x5555_5555_5555_5555L);

        final List<Run> runs = scan(path, bitmap, false);

        assertEquals(new Run(FREE, 0, 64), runs.get(0));
        assertEquals(new Run(DATA, 64, 65), runs.get(1), "word 1 and page 128 (bit 0 of 0xAA.. clear)");
        assertEquals(new Run(FREE, 129, 1), runs.get(2));
        assertEquals(new Run(DATA, 130, 1), runs.get(3));
        assertTrue(runs.contains(new Run(FREE, 191, 2)), "page 191 (0xAA.. bit 63) joins page 192 (0x55.. bit 0)");
        assertEquals(new Run(DATA, 255, 1), runs.get(runs.size() - 1));
        assertEquals(2 + 63 + 63, runs.size(), "129..191 alternate, 191..192 merge, 193..255 alternate");
        assertEquals(reference(path, freePages(-1L, 0L, 0xAAAA_AAAA_AAAA_AAAAL, 0x5555_5555_5555_5555L)), runs);
        assertEquals(runs, scan(path, bitmap, true));
    }

    @Test
    void shouldIgnoreBitmapBitsPastTheLastPage()
    {
        final long pages = 100;
        final Path path = TestImages.createSparse(dir.resolve("img"), pages * PAGE_SIZE);
        TestImages.writePages(path, 0, pages, GARBAGE);
        final Path bitmap = TestImages.writeBitmapWords(dir.resolve("bitmap"), 0L, -1L);

        final List<Run> runs = scan(path, bitmap, false, pages);

        assertEquals(List.of(new Run(DATA, 0, 64), new Run(FREE, 64, 36)), runs);
    }

    @Test
    void shouldReportHolesAsZeroLikeReadZeroPages()
    {
        final Path path = mixedImage();
        TestImages.writeZeroPages(path, 100, 40);

        final List<Run> withHoles = scan(path, null, true);
        final List<Run> withoutHoles = scan(path, null, false);

        assertEquals(withoutHoles, withHoles);
        assertEquals(reference(path, page -> false), withHoles);
    }

    @Test
    void shouldReportHolesAsZeroWithoutReadingThem()
    {
        final Path sparse = mixedImage();
        final Path full = TestImages.createSparse(dir.resolve("full.img"), PAGES * PAGE_SIZE);
        TestImages.writePages(full, 0, PAGES, GARBAGE);
        final DataExtents holesOfSparse = DataExtents.of(sparse, PAGES * PAGE_SIZE);

        final List<Run> runs;
        try (MappedImage image = MappedImage.open(full, false, CHUNK))
        {
            runs = scan(new ImageScanner(image, null, holesOfSparse), 0, PAGES);
        }

        assertEquals(List.of(
            new Run(DATA, 0, 1),
            new Run(ZERO, 1, 13),
            new Run(DATA, 14, 5),
            new Run(ZERO, 19, 11),
            new Run(DATA, 30, 20),
            new Run(ZERO, 50, 205),
            new Run(DATA, 255, 1)), runs, "garbage where the extents say hole must not be read");
    }

    @Test
    void shouldScanASubRange()
    {
        final Path path = mixedImage();

        final List<Run> runs;
        try (MappedImage image = MappedImage.open(path, false, CHUNK))
        {
            runs = scan(new ImageScanner(image, null, DataExtents.of(path, image.size())), 16, 40);
        }

        assertEquals(List.of(new Run(DATA, 16, 3), new Run(ZERO, 19, 11), new Run(DATA, 30, 10)), runs);
    }

    @Test
    void shouldRefuseARangeOutsideTheImage()
    {
        final Path path = mixedImage();

        try (MappedImage image = MappedImage.open(path, false, CHUNK))
        {
            final ImageScanner scanner = new ImageScanner(image, null, DataExtents.whole(image.size()));
            final Recorder recorder = new Recorder();
            assertThrows(IllegalArgumentException.class, () -> scanner.scan(0, PAGES + 1, recorder));
            assertThrows(IllegalArgumentException.class, () -> scanner.scan(-1, 10, recorder));
            assertThrows(IllegalArgumentException.class, () -> scanner.scan(20, 10, recorder));
            assertEquals(List.of(), recorder.runs);
        }
    }

    @Test
    void shouldRefuseABitmapOfAnotherImage()
    {
        final Path path = mixedImage();
        final Path bitmapPath = TestImages.writeBitmap(dir.resolve("bitmap"), 128, List.of());

        try (MappedImage image = MappedImage.open(path, false, CHUNK))
        {
            final FreePageBitmap bitmap = FreePageBitmap.load(bitmapPath, 128);
            assertThrows(IllegalStateException.class,
                () -> new ImageScanner(image, bitmap, DataExtents.whole(image.size())));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void shouldAgreeWithAPageByPageReferenceOnRandomImages(final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long pages = 200 + random.nextInt(200);
        final Path path = TestImages.createSparse(dir.resolve("random.img"), pages * PAGE_SIZE);
        final List<Long> free = new ArrayList<>();
        long page = 0;
        while (page < pages)
        {
            final long run = Math.min(pages - page, 1 + random.nextInt(random.nextBoolean() ? 3 : 40));
            final int kind = random.nextInt(4);
            if (kind == 0)
            {
                TestImages.writePages(path, page, run, seed);
            }
            else if (kind == 1)
            {
                TestImages.writeZeroPages(path, page, run);
            }
            else if (kind == 2)
            {
                TestImages.writePages(path, page, run, GARBAGE);
                for (long p = page; p < page + run; p++)
                {
                    free.add(p);
                }
            }
            page += run;
        }
        final Path bitmap = TestImages.writeBitmap(dir.resolve("random.bitmap"), pages, free);

        final List<Run> expected = reference(path, free::contains);

        for (final long chunk : new long[] {PAGE_SIZE, 4 * PAGE_SIZE, CHUNK, MappedImage.DEFAULT_CHUNK_SIZE})
        {
            assertEquals(expected, scan(path, bitmap, true, pages, chunk), "holes, chunk " + chunk);
            assertEquals(expected, scan(path, bitmap, false, pages, chunk), "no holes, chunk " + chunk);
        }
    }

    /**
     * Data at page 0, 14..18 (across the chunk boundary at 16), 30..49 (across 32 and 48) and the last page; every
     * other page is a hole.
     */
    private Path mixedImage()
    {
        final Path path = TestImages.createSparse(dir.resolve("mixed.img"), PAGES * PAGE_SIZE);
        TestImages.writePage(path, 0, SEED);
        TestImages.writePages(path, 14, 5, SEED);
        TestImages.writePages(path, 30, 20, SEED);
        TestImages.writePage(path, PAGES - 1, SEED);
        return path;
    }

    private List<Run> scan(final Path path, final Path bitmapPath, final boolean holes)
    {
        return scan(path, bitmapPath, holes, PAGES);
    }

    private List<Run> scan(final Path path, final Path bitmapPath, final boolean holes, final long pages)
    {
        return scan(path, bitmapPath, holes, pages, CHUNK);
    }

    private static List<Run> scan(final Path path, final Path bitmapPath, final boolean holes, final long pages,
        final long chunk)
    {
        try (MappedImage image = MappedImage.open(path, false, chunk))
        {
            assertEquals(pages, image.pageCount());
            final FreePageBitmap bitmap = bitmapPath == null ? null : FreePageBitmap.load(bitmapPath, pages);
            final DataExtents extents = holes ? DataExtents.of(path, image.size()) : DataExtents.whole(image.size());
            return scan(new ImageScanner(image, bitmap, extents), 0, pages);
        }
    }

    private static List<Run> scan(final ImageScanner scanner, final long from, final long to)
    {
        final Recorder recorder = new Recorder();
        scanner.scan(from, to, recorder);
        return recorder.runs;
    }

    /** The runs a scanner must deliver, found by reading every page that is not free. */
    private static List<Run> reference(final Path path, final LongPredicate free)
    {
        final long pages = path.toFile().length() / PAGE_SIZE;
        final Coalescer coalescer = new Coalescer();
        for (long page = 0; page < pages; page++)
        {
            final boolean zero = TestImages.isZero(TestImages.readPage(path, page));
            final int pageClass = free.test(page) ? FREE : zero ? ZERO : DATA;
            coalescer.onRun(pageClass, page, 1);
        }
        return coalescer.runs;
    }

    private static LongPredicate freePages(final long... words)
    {
        return page -> (words[(int)(page >>> 6)] & (1L << (page & 63))) != 0;
    }

    /**
     * Records runs exactly as delivered and checks they are non-empty, contiguous, ordered and already coalesced
     * (no two neighbours of one class).
     */
    private static final class Recorder implements RunConsumer
    {
        private final List<Run> runs = new ArrayList<>();

        public void onRun(final int pageClass, final long firstPage, final long pageCount)
        {
            assertTrue(pageCount > 0, "empty run at " + firstPage);
            if (!runs.isEmpty())
            {
                final Run previous = runs.get(runs.size() - 1);
                assertEquals(previous.first() + previous.count(), firstPage, "runs must be contiguous and ordered");
                assertTrue(previous.pageClass() != pageClass,
                    "not coalesced: " + previous + " then " + new Run(pageClass, firstPage, pageCount));
            }
            runs.add(new Run(pageClass, firstPage, pageCount));
        }
    }

    /** Builds the expected runs one page at a time, merging neighbours of one class. */
    private static final class Coalescer implements RunConsumer
    {
        private final List<Run> runs = new ArrayList<>();

        public void onRun(final int pageClass, final long firstPage, final long pageCount)
        {
            final int last = runs.size() - 1;
            if (last >= 0 && runs.get(last).pageClass() == pageClass)
            {
                final Run previous = runs.get(last);
                runs.set(last, new Run(pageClass, previous.first(), previous.count() + pageCount));
                return;
            }
            runs.add(new Run(pageClass, firstPage, pageCount));
        }
    }
}
