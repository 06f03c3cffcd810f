package io.ramshift.engine.generate;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.ImageException;
import io.ramshift.engine.RamshiftThreads;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.layout.FreePageBitmapDescriptor;
import io.ramshift.layout.FreePageBitmapFlyweight;
import io.ramshift.layout.PageLayoutDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.ramshift.layout.PageLayoutDescriptor.*;
import static org.junit.jupiter.api.Assertions.*;

class ImageGeneratorTest
{
    private static final long SIZE = 64L << 20;
    private static final long PAGES = SIZE / 4096;

    @TempDir
    Path dir;

    @AfterEach
    void shouldLeaveNoThreadRunning()
    {
        RamshiftThreads.assertNoneRunning();
    }

    @Test
    void shouldWriteIdenticalFilesWithOneAndTwoThreads() throws IOException
    {
        final GeneratorProfile profile = GeneratorProfile.ofFractions(0.3, 0.3, 0.2, 0.1, 0.1);
        final GenerateResult one = new ImageGenerator(context(profile, "one", 1)).generate();
        final GenerateResult two = new ImageGenerator(context(profile, "two", 2)).generate();
        assertEquals(1, one.threads());
        assertEquals(2, two.threads());
        assertFilesEqual(dir.resolve("one.img"), dir.resolve("two.img"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("one.bitmap")), Files.readAllBytes(dir.resolve("two.bitmap")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("one.layout")), Files.readAllBytes(dir.resolve("two.layout")));
        assertEquals(one.bitmapSetCount(), two.bitmapSetCount());
    }

    @Test
    void shouldWriteBitmapAndLayoutThatDescribeTheImage() throws IOException
    {
        final GeneratorProfile profile = GeneratorProfile.postWorkload();
        final GenerateResult result = new ImageGenerator(context(profile, "post", 2)).generate();
        final PageKindPlan plan = PageKindPlan.plan(profile, PAGES, 1);

        final byte[] bitmapBytes = Files.readAllBytes(dir.resolve("post.bitmap"));
        assertEquals(FreePageBitmapDescriptor.lengthForPages(PAGES), bitmapBytes.length);
        final FreePageBitmapFlyweight bitmap =
            new FreePageBitmapFlyweight().wrap(new UnsafeBuffer(bitmapBytes), 0, bitmapBytes.length, PAGES);
        final byte[] layout = Files.readAllBytes(dir.resolve("post.layout"));
        PageLayoutDescriptor.checkLength(layout.length, PAGES);

        final long[] counts = new long[KIND_COUNT];
        long set = 0;
        try (MappedImage image = MappedImage.openReadOnly(dir.resolve("post.img")))
        {
            for (long page = 0; page < PAGES; page++)
            {
                final byte entry = layout[(int)page];
                checkEntry(page, entry);
                assertEquals(isFree(entry), bitmap.isFree(page), "bitmap and layout disagree at page " + page);
                assertEquals(plan.layoutEntry(page), entry, "layout differs from plan at page " + page);
                final int kind = kind(entry);
                counts[kind]++;
                set += isFree(entry) ? 1 : 0;
                final boolean zero = isZeroPage(image, page);
                if (kind == KIND_ZERO)
                {
                    assertTrue(zero, "zero page has data: " + page);
                }
                else
                {
                    assertFalse(zero, kindName(kind) + " page is all zero: " + page);
                }
                if (kind == KIND_DUPLICATE)
                {
                    final long source = plan.duplicateSource(page);
                    assertNotEquals(page, source);
                    assertTrue(samePage(image, page, source), "duplicate " + page + " differs from " + source);
                }
            }
        }
        for (int kind = 0; kind < KIND_COUNT; kind++)
        {
            assertEquals(result.count(kind), counts[kind], kindName(kind));
        }
        assertEquals(result.bitmapSetCount(), set);
        assertEquals(SIZE, result.bytesWritten());
        assertTrue(result.created());
    }

    @Test
    void shouldOverwriteInPlaceWithoutTruncating() throws IOException
    {
        final Path image = dir.resolve("existing.img");
        fillWith(image, SIZE, (byte)0x5A);
        final Object inode = Files.getAttribute(image, "unix:ino");
        final long blocksBefore = allocatedBytes(image);

        final GenerateResult result = new ImageGenerator(new ImageGenerator.Context()
            .profile(GeneratorProfile.idle()).sizeBytes(SIZE).imagePath(image).sparse(true).threads(2)).generate();

        assertFalse(result.created());
        assertEquals(SIZE, Files.size(image));
        assertEquals(inode, Files.getAttribute(image, "unix:ino"));
        // a truncate would have freed the blocks of every zero page; in place they stay allocated
        assertTrue(allocatedBytes(image) >= blocksBefore, "blocks " + allocatedBytes(image) + " < " + blocksBefore);
        // every zero page was dirty, so in sparse mode each one was still written
        assertEquals(SIZE, result.bytesWritten());
        assertZeroPagesAreZero(image, GeneratorProfile.idle());
    }

    @Test
    void shouldWriteOnlyDirtyZeroPagesWhenOverwritingSparse() throws IOException
    {
        final Path image = dir.resolve("again.img");
        final ImageGenerator.Context ctx = new ImageGenerator.Context()
            .profile(GeneratorProfile.idle()).sizeBytes(SIZE).imagePath(image).sparse(true).threads(2);
        final GenerateResult first = new ImageGenerator(ctx).generate();
        final GenerateResult second = new ImageGenerator(ctx).generate();
        assertTrue(first.created());
        assertFalse(second.created());
        assertEquals(first.bytesWritten(), second.bytesWritten());
        assertEquals((PAGES - first.count(KIND_ZERO)) * 4096, second.bytesWritten());
    }

    @Test
    void shouldOverwriteDenseInPlaceKeepingSizeAndInode() throws IOException
    {
        final Path image = dir.resolve("dense.img");
        fillWith(image, SIZE, (byte)0x33);
        final Object inode = Files.getAttribute(image, "unix:ino");
        new ImageGenerator(new ImageGenerator.Context()
            .profile(GeneratorProfile.postWorkload()).sizeBytes(SIZE).imagePath(image).threads(2)).generate();
        assertEquals(SIZE, Files.size(image));
        assertEquals(inode, Files.getAttribute(image, "unix:ino"));
        assertZeroPagesAreZero(image, GeneratorProfile.postWorkload());
    }

    @Test
    void shouldLeaveZeroPagesAsHolesInNewSparseFile() throws IOException
    {
        final Path image = dir.resolve("sparse.img");
        final GenerateResult result = new ImageGenerator(new ImageGenerator.Context()
            .profile(GeneratorProfile.idle()).sizeBytes(SIZE).imagePath(image).sparse(true).threads(2)).generate();
        final long dataBytes = (PAGES - result.count(KIND_ZERO)) * 4096;
        assertEquals(dataBytes, result.bytesWritten());
        final long allocated = allocatedBytes(image);
        assertEquals(SIZE, Files.size(image));
        assertTrue(allocated >= dataBytes * 0.9 && allocated <= dataBytes + (1 << 20),
            "allocated " + allocated + " data " + dataBytes);
    }

    @Test
    void shouldAllocateEveryPageOfNewDenseFile() throws IOException
    {
        final Path image = dir.resolve("dense-new.img");
        new ImageGenerator(new ImageGenerator.Context()
            .profile(GeneratorProfile.idle()).sizeBytes(SIZE).imagePath(image).threads(2)).generate();
        assertTrue(allocatedBytes(image) >= SIZE, "allocated " + allocatedBytes(image));
    }

    @Test
    void shouldRefuseExistingFileOfAnotherSize() throws IOException
    {
        final Path image = dir.resolve("small.img");
        fillWith(image, 1 << 20, (byte)1);
        final DestinationException ex = assertThrows(DestinationException.class, () -> new ImageGenerator(
            new ImageGenerator.Context().sizeBytes(SIZE).imagePath(image)).generate());
        assertTrue(ex.getMessage().contains("size=1048576 requested=67108864"), ex.getMessage());
        assertEquals(1 << 20, Files.size(image));
    }

    @Test
    void shouldResizeExistingFileOfAnotherSizeWhenForced() throws IOException
    {
        final Path image = dir.resolve("resize.img");
        fillWith(image, 1 << 20, (byte)1);
        final GenerateResult result = new ImageGenerator(new ImageGenerator.Context()
            .sizeBytes(8 << 20).imagePath(image).force(true).sparse(true)).generate();
        assertFalse(result.created());
        assertEquals(8 << 20, Files.size(image));
        assertZeroPagesAreZero(image, GeneratorProfile.idle());
    }

    @Test
    void shouldRejectBadSizes()
    {
        for (final long size : new long[]{ 0, -4096, 4097, 100 })
        {
            final ImageException ex = assertThrows(ImageException.class, () -> new ImageGenerator(
                new ImageGenerator.Context().sizeBytes(size).imagePath(dir.resolve("bad.img"))).generate());
            assertTrue(ex.getMessage().contains("size=" + size), ex.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("bad.img")));
    }

    @Test
    void shouldRejectBadThreadCountAndClashingPaths()
    {
        assertThrows(ImageException.class, () -> new ImageGenerator(new ImageGenerator.Context()
            .sizeBytes(SIZE).imagePath(dir.resolve("a.img")).threads(0)).generate());
        assertThrows(ImageException.class, () -> new ImageGenerator(new ImageGenerator.Context()
            .sizeBytes(SIZE).imagePath(dir.resolve("a.img")).freeBitmapPath(dir.resolve("a.img"))).generate());
    }

    @Test
    void shouldReportProgressFromTheCallingThreadEndingAtTheTotal()
    {
        final List<long[]> reports = new ArrayList<>();
        final List<String> threads = new ArrayList<>();
        final GenerateProgressListener listener = (done, total) ->
        {
            reports.add(new long[]{ done, total });
            threads.add(Thread.currentThread().getName());
        };
        new ImageGenerator(new ImageGenerator.Context().sizeBytes(SIZE).imagePath(dir.resolve("progress.img"))
            .progressListener(listener).progressIntervalMs(1)).generate();
        assertFalse(reports.isEmpty());
        assertArrayEquals(new long[]{ PAGES, PAGES }, reports.get(reports.size() - 1));
        long previous = 0;
        for (final long[] report : reports)
        {
            assertTrue(report[0] >= previous && report[0] <= PAGES, Arrays.toString(report));
            previous = report[0];
        }
        for (final String name : threads)
        {
            assertEquals(Thread.currentThread().getName(), name);
        }
    }

    private ImageGenerator.Context context(final GeneratorProfile profile, final String name, final int threads)
    {
        return new ImageGenerator.Context()
            .profile(profile)
            .sizeBytes(SIZE)
            .seed(1)
            .imagePath(dir.resolve(name + ".img"))
            .freeBitmapPath(dir.resolve(name + ".bitmap"))
            .layoutPath(dir.resolve(name + ".layout"))
            .threads(threads);
    }

    private static void assertZeroPagesAreZero(final Path path, final GeneratorProfile profile)
    {
        try (MappedImage image = MappedImage.openReadOnly(path))
        {
            final PageKindPlan plan = PageKindPlan.plan(profile, image.pageCount(), 1);
            for (long page = 0; page < image.pageCount(); page++)
            {
                assertEquals(plan.kind(page) == KIND_ZERO, isZeroPage(image, page), "page " + page);
            }
        }
    }

    private static boolean isZeroPage(final MappedImage image, final long page)
    {
        final long offset = page * 4096;
        return ZeroPage.isZero(image.chunkBuffer(image.chunkIndex(offset)), image.chunkOffset(offset));
    }

    private static boolean samePage(final MappedImage image, final long a, final long b)
    {
        final UnsafeBuffer left = new UnsafeBuffer(image.pageAddress(a), 4096);
        final UnsafeBuffer right = new UnsafeBuffer(image.pageAddress(b), 4096);
        return left.compareTo(right) == 0;
    }

    private static void assertFilesEqual(final Path a, final Path b)
    {
        try (MappedImage left = MappedImage.openReadOnly(a); MappedImage right = MappedImage.openReadOnly(b))
        {
            assertEquals(left.size(), right.size());
            for (long page = 0; page < left.pageCount(); page++)
            {
                final UnsafeBuffer l = new UnsafeBuffer(left.pageAddress(page), 4096);
                final UnsafeBuffer r = new UnsafeBuffer(right.pageAddress(page), 4096);
                assertEquals(0, l.compareTo(r), "page " + page + " differs");
            }
        }
    }

    private static void fillWith(final Path path, final long size, final byte value) throws IOException
    {
        final byte[] block = new byte[1 << 20];
        Arrays.fill(block, value);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            for (long written = 0; written < size; written += block.length)
            {
                file.write(block, 0, (int)Math.min(block.length, size - written));
            }
        }
    }

    private static long allocatedBytes(final Path path) throws IOException
    {
        // st_blocks in 512-byte units; Files.getAttribute has no portable name for it
        final Process process = new ProcessBuilder("stat", "--format=%b", path.toString())
            .redirectErrorStream(true).start();
        try
        {
            final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertEquals(0, process.waitFor(), out);
            return Long.parseLong(out) * 512;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException(ex);
        }
    }
}
