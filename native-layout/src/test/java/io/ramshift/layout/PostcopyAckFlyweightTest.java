package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.ramshift.layout.FrameBytes.FRAME_OFFSET;
import static io.ramshift.layout.FrameBytes.assertFrame;
import static io.ramshift.layout.FrameBytes.sentinelBuffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostcopyAckFlyweightTest
{
    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 48 + 16);
    private final PostcopyAckFlyweight ack = new PostcopyAckFlyweight();

    @Test
    void shouldEncodeEveryFieldAtItsDocumentedOffset()
    {
        ack.wrap(buffer, FRAME_OFFSET);
        ack.run(0, 0, 3).run(1, 99, 1).finish(2);

        final ByteBuffer expected = FrameBytes.expected(48);
        expected.putInt(0, 48);
        expected.putShort(4, (short)17);
        expected.putShort(6, (short)0);
        expected.putInt(8, 2);
        expected.putInt(12, 0);
        expected.putLong(16, 0);
        expected.putLong(24, 3);
        expected.putLong(32, 99);
        expected.putLong(40, 1);
        assertFrame(buffer, expected);
    }

    @Test
    void shouldReadBackRunsUpToTheLastPage()
    {
        ack.wrap(buffer, FRAME_OFFSET);
        ack.run(0, 0, 3).run(1, 99, 1).finish(2).validate(100);

        assertEquals(2, ack.runCount());
        assertEquals(0, ack.firstPage(0));
        assertEquals(3, ack.pageCount(0));
        assertEquals(99, ack.firstPage(1));
        assertEquals(1, ack.pageCount(1));
    }

    @ParameterizedTest
    @CsvSource({"99,2", "100,1", "-1,1", "0,0", "0,-1", "1,9223372036854775807"})
    void shouldRejectARunPastTheImageEnd(final long first, final long count)
    {
        ack.wrap(buffer, FRAME_OFFSET);
        ack.run(0, first, count).finish(1);

        final LayoutException ex = assertThrows(LayoutException.class, () -> ack.validate(100));
        assertTrue(ex.getMessage().contains("ACK run past image end: page=" + first + " count=" + count), ex.getMessage());
    }

    @Test
    void shouldRejectARunCountOutOfRangeAndABadLength()
    {
        ack.wrap(buffer, FRAME_OFFSET);
        ack.run(0, 0, 1).finish(1);
        buffer.putInt(FRAME_OFFSET + 8, 4097, ByteOrder.LITTLE_ENDIAN);
        LayoutException ex = assertThrows(LayoutException.class, () -> ack.validate(100));
        assertTrue(ex.getMessage().contains("bad ACK run count: runs=4097 max=4096"), ex.getMessage());

        ack.run(0, 0, 1).finish(1);
        buffer.putInt(FRAME_OFFSET, 40, ByteOrder.LITTLE_ENDIAN);
        ex = assertThrows(LayoutException.class, () -> ack.validate(100));
        assertTrue(ex.getMessage().contains("bad frame length: type=POSTCOPY_ACK length=40 expected=32"),
            ex.getMessage());
    }
}
