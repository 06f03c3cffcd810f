package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreePageBitmapFlyweightTest
{
    private static final int OFFSET = 8;

    private final byte[] bytes = new byte[OFFSET + 24 + 8];
    private final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
    private final FreePageBitmapFlyweight bitmap = new FreePageBitmapFlyweight();

    @Test
    void shouldStorePageZeroInTheLowestBitOfTheFirstByte()
    {
        bitmap.wrap(buffer, OFFSET, 24, 150).free(0, true);

        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, slice(0, 8));
        assertTrue(bitmap.isFree(0));
        assertFalse(bitmap.isFree(1));
    }

    @Test
    void shouldStorePageSixtyThreeInTheHighestBitOfTheEighthByte()
    {
        bitmap.wrap(buffer, OFFSET, 24, 150).free(63, true);

        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte)0x80}, slice(0, 8));
        assertEquals(Long.MIN_VALUE, bitmap.word(0));
    }

    @Test
    void shouldStorePageSixtyFourInBitZeroOfTheSecondWord()
    {
        bitmap.wrap(buffer, OFFSET, 24, 150).free(64, true);

        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, slice(0, 16));
        assertEquals(0L, bitmap.word(0));
        assertEquals(1L, bitmap.word(1));
    }

    @Test
    void shouldStoreWordsLittleEndian()
    {
        bitmap.wrap(buffer, OFFSET, 24, 150);
        bitmap.free(8, true).free(17, true).free(64 + 15, true).free(128 + 21, true);

        assertArrayEquals(new byte[] {0, 1, 2, 0, 0, 0, 0, 0}, slice(0, 8));
        assertArrayEquals(new byte[] {0, (byte)0x80, 0, 0, 0, 0, 0, 0}, slice(8, 8));
        assertArrayEquals(new byte[] {0, 0, 0x20, 0, 0, 0, 0, 0}, slice(16, 8));
        assertEquals(0, bytes[0], "bytes before the bitmap are untouched");
    }

    @Test
    void shouldReadWhatAGuestWroteAsLittleEndianWords()
    {
        final ByteBuffer raw = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        raw.putLong(OFFSET, 0x8000_0000_0000_0001L);
        raw.putLong(OFFSET + 8, 0x0000_0000_0000_0100L);

        bitmap.wrap(buffer, OFFSET, 24, 150);

        assertTrue(bitmap.isFree(0));
        assertTrue(bitmap.isFree(63));
        assertTrue(bitmap.isFree(64 + 8));
        assertFalse(bitmap.isFree(1));
        assertFalse(bitmap.isFree(64));
    }

    @Test
    void shouldIgnoreBitsPastThePageCountOnRead()
    {
        final ByteBuffer raw = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        raw.putLong(OFFSET + 16, -1L);

        bitmap.wrap(buffer, OFFSET, 24, 150);

        assertEquals((1L << 22) - 1, bitmap.word(2));
        assertTrue(bitmap.isFree(149));
        assertThrows(LayoutException.class, () -> bitmap.isFree(150));
    }

    @Test
    void shouldWriteBitsPastThePageCountAsZero()
    {
        bitmap.wrap(buffer, OFFSET, 24, 150).word(2, -1L);

        assertArrayEquals(new byte[] {-1, -1, 0x3F, 0, 0, 0, 0, 0}, slice(16, 8));
    }

    @Test
    void shouldClearAFreeBit()
    {
        bitmap.wrap(buffer, OFFSET, 24, 150).word(1, -1L).free(70, false);

        assertFalse(bitmap.isFree(70));
        assertTrue(bitmap.isFree(69));
        assertEquals(~(1L << 6), bitmap.word(1));
    }

    @Test
    void shouldRefuseAWrapOfTheWrongLength()
    {
        final LayoutException ex = assertThrows(LayoutException.class, () -> bitmap.wrap(buffer, OFFSET, 16, 150));

        assertTrue(ex.getMessage().contains("length=16"), ex.getMessage());
        assertTrue(ex.getMessage().contains("expected=24"), ex.getMessage());
    }

    @Test
    void shouldRefusePagesOutsideTheBitmap()
    {
        bitmap.wrap(buffer, OFFSET, 24, 150);

        final LayoutException ex = assertThrows(LayoutException.class, () -> bitmap.free(150, true));
        assertTrue(ex.getMessage().contains("page=150"), ex.getMessage());
        assertThrows(LayoutException.class, () -> bitmap.isFree(-1));
    }

    @Test
    void shouldReportPageAndWordCounts()
    {
        bitmap.wrap(buffer, OFFSET, 24, 150);

        assertEquals(150, bitmap.pageCount());
        assertEquals(3, bitmap.wordCount());
    }

    private byte[] slice(final int from, final int length)
    {
        final byte[] slice = new byte[length];
        System.arraycopy(bytes, OFFSET + from, slice, 0, length);
        return slice;
    }
}
