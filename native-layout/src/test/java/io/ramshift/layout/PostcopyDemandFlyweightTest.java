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

class PostcopyDemandFlyweightTest
{
    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 16 + 16);
    private final PostcopyDemandFlyweight frame = new PostcopyDemandFlyweight();

    @Test
    void shouldEncodeDemandAndDoneAtTheirDocumentedOffsets()
    {
        frame.wrap(buffer, FRAME_OFFSET);
        frame.encodeDemand(0x0102_0304_0506L);
        final ByteBuffer expected = FrameBytes.expected(16);
        expected.putInt(0, 16);
        expected.putShort(4, (short)16);
        expected.putShort(6, (short)0);
        expected.putLong(8, 0x0102_0304_0506L);
        assertFrame(buffer, expected);

        frame.encodeDone(7);
        expected.putShort(4, (short)19);
        expected.putLong(8, 7);
        assertFrame(buffer, expected);
        assertEquals(16, PostcopyDemandDescriptor.LENGTH);
    }

    @Test
    void shouldAcceptPageZeroAndTheLastPage()
    {
        frame.wrap(buffer, FRAME_OFFSET);
        assertEquals(0, frame.encodeDemand(0).validateDemand(10).value());
        assertEquals(9, frame.encodeDemand(9).validateDemand(10).value());
        assertEquals(10, frame.encodeDone(10).validateDone(10).value());
    }

    @ParameterizedTest
    @ValueSource(longs = {10, 11, -1, Long.MIN_VALUE})
    void shouldRejectADemandPastTheImageEnd(final long page)
    {
        frame.wrap(buffer, FRAME_OFFSET);
        frame.encodeDemand(page);

        final LayoutException ex = assertThrows(LayoutException.class, () -> frame.validateDemand(10));
        assertTrue(ex.getMessage().contains("demand past image end: page=" + page + " pages=10"), ex.getMessage());
    }

    @Test
    void shouldRejectADoneCountingMorePagesThanTheImageAndABadLength()
    {
        frame.wrap(buffer, FRAME_OFFSET);
        frame.encodeDone(11);
        assertThrows(LayoutException.class, () -> frame.validateDone(10));

        frame.encodeDemand(1);
        buffer.putInt(FRAME_OFFSET, 24, ByteOrder.LITTLE_ENDIAN);
        final LayoutException ex = assertThrows(LayoutException.class, () -> frame.validateDemand(10));
        assertTrue(ex.getMessage().contains("bad frame length: type=POSTCOPY_DEMAND length=24 expected=16"),
            ex.getMessage());
    }
}
