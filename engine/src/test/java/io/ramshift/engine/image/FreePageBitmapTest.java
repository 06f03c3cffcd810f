package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.TestImages;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(ResourceLeakExtension.class)
class FreePageBitmapTest
{
    @TempDir
    Path dir;

    @Test
    void shouldLoadTheFreePagesOfABitmapFile()
    {
        final Path path = TestImages.writeBitmap(dir.resolve("free.bitmap"), 100, List.of(0L, 63L, 64L, 99L));

        final FreePageBitmap bitmap = FreePageBitmap.load(path, 100);

        assertEquals(100, bitmap.pageCount());
        assertEquals(2, bitmap.wordCount());
        assertEquals(4, bitmap.freePages());
        for (long page = 0; page < 100; page++)
        {
            assertEquals(Set.of(0L, 63L, 64L, 99L).contains(page), bitmap.isFree(page), "page " + page);
        }
        assertEquals(1L | Long.MIN_VALUE, bitmap.word(0));
        assertEquals(1L | 1L << 35, bitmap.word(1));
    }

    @Test
    void shouldIgnoreBitsPastTheLastPage()
    {
        final Path path = TestImages.writeBitmapWords(dir.resolve("free.bitmap"), 0L, -1L);

        final FreePageBitmap bitmap = FreePageBitmap.load(path, 100);

        assertEquals(36, bitmap.freePages());
        assertEquals((1L << 36) - 1, bitmap.word(1));
        assertTrue(bitmap.isFree(99));
        assertFalse(bitmap.isFree(63));
    }

    @Test
    void shouldRefuseABitmapOfTheWrongLengthNamingBothLengthsAndThePath()
    {
        final Path path = TestImages.writeBitmapWords(dir.resolve("short.bitmap"), -1L);

        final ImageException ex = assertThrows(ImageException.class, () -> FreePageBitmap.load(path, 100));

        assertTrue(ex.getMessage().contains("length=8"), ex.getMessage());
        assertTrue(ex.getMessage().contains("expected=16"), ex.getMessage());
        assertTrue(ex.getMessage().contains("pages=100"), ex.getMessage());
        assertTrue(ex.getMessage().contains(path.toString()), ex.getMessage());
    }

    @Test
    void shouldRefuseAnEmptyBitmap()
    {
        final Path path = TestImages.writeBitmapWords(dir.resolve("empty.bitmap"));

        final ImageException ex = assertThrows(ImageException.class, () -> FreePageBitmap.load(path, 1));

        assertTrue(ex.getMessage().contains("length=0 expected=8"), ex.getMessage());
    }

    @Test
    void shouldReportAMissingBitmap()
    {
        final Path path = dir.resolve("missing.bitmap");

        final ImageException ex = assertThrows(ImageException.class, () -> FreePageBitmap.load(path, 100));

        assertEquals("free-page bitmap not found: " + path, ex.getMessage());
    }

    @Test
    void shouldWrapABitmapInMemory()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        buffer.putLong(0, 0b1010L, java.nio.ByteOrder.LITTLE_ENDIAN);

        final FreePageBitmap bitmap = FreePageBitmap.wrap(buffer, 4);

        assertEquals(2, bitmap.freePages());
        assertTrue(bitmap.isFree(1));
        assertTrue(bitmap.isFree(3));
        assertFalse(bitmap.isFree(2));
    }
}
