package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.ramshift.layout.FrameBytes.FRAME_OFFSET;
import static io.ramshift.layout.FrameBytes.assertFrame;
import static io.ramshift.layout.FrameBytes.sentinelBuffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostcopyBitmapFlyweightTest
{
    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 64 + 16);
    private final PostcopyBitmapFlyweight chunk = new PostcopyBitmapFlyweight();

    @Test
    void shouldEncodeEveryFieldAtItsDocumentedOffset()
    {
        chunk.wrap(buffer, FRAME_OFFSET);
        chunk.encode(ProtocolDescriptor.TYPE_POSTCOPY_PENDING, 128, 2, true, 3).word(0, 0x8000_0000_0000_0001L)
            .word(1, 0b100);

        final ByteBuffer expected = FrameBytes.expected(48);
        expected.putInt(0, 48);
        expected.putShort(4, (short)14);
        expected.putShort(6, (short)0);
        expected.putLong(8, 128);
        expected.putInt(16, 2);
        expected.putInt(20, 1);
        expected.putLong(24, 3);
        expected.putLong(32, 0x8000_0000_0000_0001L);
        expected.putLong(40, 0b100);
        assertFrame(buffer, expected);
        assertEquals(32, PostcopyBitmapDescriptor.WORDS_OFFSET);
    }

    @Test
    void shouldAcceptTheLastChunkOfAnImageEndingMidWord()
    {
        chunk.wrap(buffer, FRAME_OFFSET);
        chunk.encode(ProtocolDescriptor.TYPE_POSTCOPY_MISSING, 64, 1, true, 1).word(0, 1L << 9);

        chunk.validate(ProtocolDescriptor.TYPE_POSTCOPY_MISSING, 74, 64);
        assertEquals(64, chunk.firstPage());
        assertEquals(1, chunk.wordCount());
        assertTrue(chunk.last());
        assertEquals(1, chunk.totalPages());
        assertEquals(1L << 9, chunk.word(0));
    }

    @Test
    void shouldRejectBitsPastTheLastPage()
    {
        chunk.wrap(buffer, FRAME_OFFSET);
        chunk.encode(ProtocolDescriptor.TYPE_POSTCOPY_PENDING, 0, 1, true, 1).word(0, 1L << 10);

        assertRejected(10, 0, "bitmap bits past the last page: pages=10");
    }

    @Test
    void shouldRejectAChunkOutOfOrder()
    {
        chunk.wrap(buffer, FRAME_OFFSET);
        chunk.encode(ProtocolDescriptor.TYPE_POSTCOPY_PENDING, 64, 1, true, 0);

        assertRejected(128, 0, "bitmap chunk out of order: firstPage=64 expected=0");
    }

    @Test
    void shouldRejectAChunkPastTheImageEnd()
    {
        chunk.wrap(buffer, FRAME_OFFSET);
        chunk.encode(ProtocolDescriptor.TYPE_POSTCOPY_PENDING, 0, 2, true, 0);

        assertRejected(64, 0, "bitmap chunk past image end: firstPage=0 words=2 pages=64");
    }

    @Test
    void shouldRejectALastMarkerBeforeTheImageEnd()
    {
        chunk.wrap(buffer, FRAME_OFFSET);
        chunk.encode(ProtocolDescriptor.TYPE_POSTCOPY_PENDING, 0, 1, true, 0);

        assertRejected(128, 0, "last marker disagrees with the image end: last=1");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 65537, -1})
    void shouldRejectAWordCountOutOfRange(final int words)
    {
        chunk.wrap(buffer, FRAME_OFFSET);
        chunk.encode(ProtocolDescriptor.TYPE_POSTCOPY_PENDING, 0, 1, true, 0);
        buffer.putInt(FRAME_OFFSET + 16, words, ByteOrder.LITTLE_ENDIAN);

        assertRejected(64, 0, "bad bitmap word count: words=" + words);
    }

    @Test
    void shouldRejectATotalLargerThanTheImage()
    {
        chunk.wrap(buffer, FRAME_OFFSET);
        chunk.encode(ProtocolDescriptor.TYPE_POSTCOPY_PENDING, 0, 1, true, 65);

        assertRejected(64, 0, "bad bitmap total: totalPages=65 pages=64");
    }

    @Test
    void shouldRejectALengthThatDisagreesWithTheWordCount()
    {
        chunk.wrap(buffer, FRAME_OFFSET);
        chunk.encode(ProtocolDescriptor.TYPE_POSTCOPY_PENDING, 0, 1, true, 0);
        buffer.putInt(FRAME_OFFSET, 48, ByteOrder.LITTLE_ENDIAN);

        assertRejected(64, 0, "bad frame length: type=POSTCOPY_PENDING length=48 expected=40");
    }

    private void assertRejected(final long pageCount, final long expectedFirst, final String message)
    {
        final LayoutException ex = assertThrows(LayoutException.class,
            () -> chunk.validate(ProtocolDescriptor.TYPE_POSTCOPY_PENDING, pageCount, expectedFirst));
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
    }
}
