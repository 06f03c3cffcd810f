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

class EndFlyweightTest
{
    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 48 + 16);
    private final EndFlyweight end = new EndFlyweight();

    @Test
    void shouldEncodeEveryFieldAtItsDocumentedOffset()
    {
        end.wrap(buffer, FRAME_OFFSET);
        end.encode(3, 1_000_000_000_000L, 77, 12, 0xFEDC_BA98_7654_3210L);

        final ByteBuffer expected = FrameBytes.expected(48);
        expected.putInt(0, 48);
        expected.putShort(4, (short)4);
        expected.putShort(6, (short)0);
        expected.putLong(8, 3);
        expected.putLong(16, 1_000_000_000_000L);
        expected.putLong(24, 77);
        expected.putLong(32, 12);
        expected.putLong(40, 0xFEDC_BA98_7654_3210L);
        assertFrame(buffer, expected);
        assertEquals(48, EndDescriptor.LENGTH);
    }

    @Test
    void shouldReadBackWhatItEncoded()
    {
        end.wrap(buffer, FRAME_OFFSET);
        end.encode(3, 4, 5, 6, -7).validate();

        assertEquals(3, end.batchCount());
        assertEquals(4, end.zeroPages());
        assertEquals(5, end.dataPages());
        assertEquals(6, end.runCount());
        assertEquals(-7, end.digest());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 8, 40, 47, 49, 56})
    void shouldRejectAnyOtherLength(final int length)
    {
        end.wrap(buffer, FRAME_OFFSET);
        end.encode(1, 2, 3, 4, 5);
        buffer.putInt(FRAME_OFFSET, length, ByteOrder.LITTLE_ENDIAN);

        final LayoutException ex = assertThrows(LayoutException.class, end::validate);
        assertTrue(ex.getMessage().contains("bad frame length: type=END length=" + length + " expected=48"),
            ex.getMessage());
    }

    @Test
    void shouldRejectAnotherType()
    {
        end.wrap(buffer, FRAME_OFFSET);
        end.encode(1, 2, 3, 4, 5);
        buffer.putShort(FRAME_OFFSET + 4, (short)99, ByteOrder.LITTLE_ENDIAN);

        final LayoutException ex = assertThrows(LayoutException.class, end::validate);
        assertTrue(ex.getMessage().contains("type=UNKNOWN(99) expected=END"), ex.getMessage());
    }
}
