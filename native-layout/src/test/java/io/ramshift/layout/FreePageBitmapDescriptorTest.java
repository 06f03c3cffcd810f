package io.ramshift.layout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreePageBitmapDescriptorTest
{
    @ParameterizedTest
    @CsvSource({"1, 8", "63, 8", "64, 8", "65, 16", "128, 16", "129, 24", "2097152, 262144", "2097153, 262152"})
    void shouldNeedCeilPagesOver64WordsOfEightBytes(final long pages, final long length)
    {
        assertEquals(length, FreePageBitmapDescriptor.lengthForPages(pages));
        assertEquals(length / 8, FreePageBitmapDescriptor.wordCount(pages));
    }

    @ParameterizedTest
    @CsvSource({"1", "63", "64", "65", "100", "128", "2097152", "2097153"})
    void shouldAcceptExactlyTheLengthForThePageCount(final long pages)
    {
        final long expected = (pages + 63) / 64 * 8;

        assertDoesNotThrow(() -> FreePageBitmapDescriptor.checkLength(expected, pages));
    }

    @ParameterizedTest
    @CsvSource({"1, 0", "1, 16", "64, 0", "64, 16", "65, 8", "65, 24", "100, 0", "100, 8", "100, 24"})
    void shouldRejectAnyOtherLengthNamingBothLengthsAndThePages(final long pages, final long length)
    {
        final long expected = (pages + 63) / 64 * 8;

        final LayoutException ex = assertThrows(
            LayoutException.class, () -> FreePageBitmapDescriptor.checkLength(length, pages));

        assertTrue(ex.getMessage().contains("length=" + length), ex.getMessage());
        assertTrue(ex.getMessage().contains("expected=" + expected), ex.getMessage());
        assertTrue(ex.getMessage().contains("pages=" + pages), ex.getMessage());
    }

    @Test
    void shouldMapPagesToWordOffsetsAndBitMasks()
    {
        assertEquals(0, FreePageBitmapDescriptor.wordOffset(0));
        assertEquals(1L, FreePageBitmapDescriptor.bitMask(0));
        assertEquals(0, FreePageBitmapDescriptor.wordOffset(63));
        assertEquals(Long.MIN_VALUE, FreePageBitmapDescriptor.bitMask(63));
        assertEquals(8, FreePageBitmapDescriptor.wordOffset(64));
        assertEquals(1L, FreePageBitmapDescriptor.bitMask(64));
        assertEquals(16, FreePageBitmapDescriptor.wordOffset(130));
        assertEquals(4L, FreePageBitmapDescriptor.bitMask(130));
        assertEquals((1L << 32) * 8, FreePageBitmapDescriptor.wordOffset(64L << 32));
    }

    @Test
    void shouldMaskOnlyThePagesOfTheLastWord()
    {
        assertEquals(-1L, FreePageBitmapDescriptor.lastWordMask(64));
        assertEquals(-1L, FreePageBitmapDescriptor.lastWordMask(128));
        assertEquals(1L, FreePageBitmapDescriptor.lastWordMask(65));
        assertEquals(0x3FL, FreePageBitmapDescriptor.lastWordMask(70));
        assertEquals(Long.MAX_VALUE, FreePageBitmapDescriptor.lastWordMask(63));
    }
}
