package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.ramshift.engine.TestImages.PAGE_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ResourceLeakExtension.class)
class MappedImageTest
{
    private static final long GIB = 1L << 30;
    private static final long SIZE = 5 * GIB;
    private static final long PAGES = SIZE / PAGE_SIZE;
    private static final long SEED = 17;
    private static final long[] WRITTEN_PAGES = {
        0,
        GIB / PAGE_SIZE - 1, GIB / PAGE_SIZE,
        2 * GIB / PAGE_SIZE - 1, 2 * GIB / PAGE_SIZE, 2 * GIB / PAGE_SIZE + 1,
        4 * GIB / PAGE_SIZE - 1, 4 * GIB / PAGE_SIZE, 4 * GIB / PAGE_SIZE + 1, 4 * GIB / PAGE_SIZE + 12345,
        PAGES - 2, PAGES - 1};

    @TempDir
    Path dir;

    @Test
    void shouldMapASparseFiveGibImageAndReadPagesPastFourGib()
    {
        final Path path = fiveGibImage();

        try (MappedImage image = MappedImage.openReadOnly(path))
        {
            assertEquals(SIZE, image.size());
            assertEquals(PAGES, image.pageCount());
            assertEquals(1_310_720, image.pageCount());
            assertEquals(5, image.chunkCount());
            assertEquals(GIB, image.chunkSize());
            assertEquals(path, image.path());
            for (final long page : WRITTEN_PAGES)
            {
                assertArrayEquals(TestImages.pageContent(SEED, page), read(image, page), "page " + page);
            }
            assertArrayEquals(new byte[PAGE_SIZE], read(image, 3 * GIB / PAGE_SIZE), "a hole reads as zeros");
        }
    }

    @Test
    void shouldReadBothNeighboursOfTheTwoGibOffset()
    {
        final Path path = fiveGibImage();

        try (MappedImage image = MappedImage.openReadOnly(path))
        {
            final long below = 2 * GIB / PAGE_SIZE - 1;
            final long above = 2 * GIB / PAGE_SIZE;
            assertEquals(1, image.chunkIndex(below * PAGE_SIZE));
            assertEquals(2, image.chunkIndex(above * PAGE_SIZE));
            assertEquals((int)(GIB - PAGE_SIZE), image.chunkOffset(below * PAGE_SIZE));
            assertEquals(0, image.chunkOffset(above * PAGE_SIZE));
            assertEquals(above, image.nextChunkPage(below));
            assertArrayEquals(TestImages.pageContent(SEED, below), read(image, below));
            assertArrayEquals(TestImages.pageContent(SEED, above), read(image, above));
        }
    }

    @Test
    void shouldReadTheLastPageThroughTheLastChunk()
    {
        final Path path = fiveGibImage();

        try (MappedImage image = MappedImage.openReadOnly(path))
        {
            final long last = PAGES - 1;
            assertEquals(4, image.chunkIndex(last * PAGE_SIZE));
            assertEquals(GIB, image.chunkBuffer(4).capacity());
            assertEquals(image.chunkBuffer(4).addressOffset() + GIB - PAGE_SIZE, image.pageAddress(last));
            assertArrayEquals(TestImages.pageContent(SEED, last), read(image, last));
        }
    }

    @Test
    void shouldMapAPartialLastChunk()
    {
        final Path path = TestImages.createSparse(dir.resolve("partial.img"), 5 * 64 * 1024 + 3 * PAGE_SIZE);
        final long last = 5 * 16 + 2;
        TestImages.writePage(path, last, SEED);
        TestImages.writePage(path, 15, SEED);
        TestImages.writePage(path, 16, SEED);

        try (MappedImage image = MappedImage.open(path, false, 64 * 1024))
        {
            assertEquals(6, image.chunkCount());
            assertEquals(3 * PAGE_SIZE, image.chunkBuffer(5).capacity());
            assertEquals(last + 1, image.pageCount());
            assertArrayEquals(TestImages.pageContent(SEED, last), read(image, last));
            assertArrayEquals(TestImages.pageContent(SEED, 15), read(image, 15));
            assertArrayEquals(TestImages.pageContent(SEED, 16), read(image, 16));
            assertEquals(16, image.nextChunkPage(15));
            assertEquals(32, image.nextChunkPage(16));
        }
    }

    @Test
    void shouldWriteThroughAWritableMapping()
    {
        final Path path = TestImages.createSparse(dir.resolve("rw.img"), 8 * PAGE_SIZE);
        final byte[] content = TestImages.pageContent(SEED, 5);

        try (MappedImage image = MappedImage.open(path, true, 4 * PAGE_SIZE))
        {
            new UnsafeBuffer(image.pageAddress(5), PAGE_SIZE).putBytes(0, content);
            image.force();
        }

        assertArrayEquals(content, TestImages.readPage(path, 5));
        assertArrayEquals(new byte[PAGE_SIZE], TestImages.readPage(path, 4));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 4095, 4097, 8191, 12289, 5 * (1L << 30) + 100})
    void shouldRefuseASizeThatIsNotAPageMultipleNamingTheSize(final long size)
    {
        final Path path = TestImages.createSparse(dir.resolve("odd.img"), size);

        final ImageException ex = assertThrows(ImageException.class, () -> MappedImage.openReadOnly(path));

        assertTrue(ex.getMessage().contains("not a multiple of the page size"), ex.getMessage());
        assertTrue(ex.getMessage().contains("size=" + size), ex.getMessage());
        assertTrue(ex.getMessage().contains(path.toString()), ex.getMessage());
    }

    @Test
    void shouldRefuseAnEmptyFileNamingTheSize()
    {
        final Path path = TestImages.createSparse(dir.resolve("empty.img"), 0);

        final ImageException ex = assertThrows(ImageException.class, () -> MappedImage.openReadOnly(path));

        assertTrue(ex.getMessage().contains("image is empty"), ex.getMessage());
        assertTrue(ex.getMessage().contains("size=0"), ex.getMessage());
    }

    @Test
    void shouldReportAMissingImage()
    {
        final Path path = dir.resolve("missing.img");

        final ImageException ex = assertThrows(ImageException.class, () -> MappedImage.openReadOnly(path));

        assertEquals("image not found: " + path, ex.getMessage());
    }

    @Test
    void shouldReportADirectoryAsAnImageThatCannotBeOpened()
    {
        final ImageException ex = assertThrows(ImageException.class, () -> MappedImage.openReadOnly(dir));

        assertTrue(ex.getMessage().contains(dir.toString()), ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 2048, 12288, (1L << 30) + 4096, 1L << 31})
    void shouldRefuseAChunkSizeThatIsNotAPowerOfTwoInRange(final long chunkSize)
    {
        final Path path = TestImages.createSparse(dir.resolve("chunk.img"), 8192);

        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> MappedImage.open(path, false, chunkSize));

        assertTrue(ex.getMessage().contains(Long.toString(chunkSize)), ex.getMessage());
    }

    @Test
    void shouldUnmapEveryChunkOnClose()
    {
        final Path path = TestImages.createSparse(dir.resolve("unmap.img"), 1 << 20);

        final MappedImage image = MappedImage.open(path, false, 64 * 1024);
        assertFalse(ResourceLeakExtension.mappingsOf(path).isEmpty());
        image.close();
        image.close();

        assertEquals(List.of(), ResourceLeakExtension.mappingsOf(path));
    }

    @Test
    void shouldUnmapTheFiveGibImageOnClose()
    {
        final Path path = fiveGibImage();

        final MappedImage image = MappedImage.openReadOnly(path);
        assertFalse(ResourceLeakExtension.mappingsOf(path).isEmpty());
        image.close();

        assertEquals(List.of(), ResourceLeakExtension.mappingsOf(path));
        assertTrue(Files.exists(path));
    }

    private Path fiveGibImage()
    {
        final Path path = TestImages.createSparse(dir.resolve("five.img"), SIZE);
        for (final long page : WRITTEN_PAGES)
        {
            TestImages.writePage(path, page, SEED);
        }
        return path;
    }

    private static byte[] read(final MappedImage image, final long page)
    {
        final byte[] bytes = new byte[PAGE_SIZE];
        new UnsafeBuffer(image.pageAddress(page), PAGE_SIZE).getBytes(0, bytes);
        return bytes;
    }
}
