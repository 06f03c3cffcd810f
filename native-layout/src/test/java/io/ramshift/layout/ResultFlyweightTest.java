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
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultFlyweightTest
{
    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 40 + 16);
    private final ResultFlyweight result = new ResultFlyweight();

    @Test
    void shouldEncodeEveryFieldAtItsDocumentedOffset()
    {
        result.wrap(buffer, FRAME_OFFSET);
        result.encode(ProtocolDescriptor.STATUS_DIGEST_MISMATCH, 1L << 33, 0x0123_4567_89AB_CDEFL, 5L << 30);

        final ByteBuffer expected = FrameBytes.expected(40);
        expected.putInt(0, 40);
        expected.putShort(4, (short)5);
        expected.putShort(6, (short)0);
        expected.putInt(8, 1);
        expected.putInt(12, 0);
        expected.putLong(16, 1L << 33);
        expected.putLong(24, 0x0123_4567_89AB_CDEFL);
        expected.putLong(32, 5L << 30);
        assertFrame(buffer, expected);
        assertEquals(40, ResultDescriptor.LENGTH);
    }

    @Test
    void shouldReadBackWhatItEncoded()
    {
        result.wrap(buffer, FRAME_OFFSET);
        result.encode(ProtocolDescriptor.STATUS_VERIFIED, 9, 10, 11).validate();

        assertEquals(ProtocolDescriptor.STATUS_VERIFIED, result.status());
        assertEquals(9, result.pages());
        assertEquals(10, result.digest());
        assertEquals(11, result.bytesWritten());
    }

    @Test
    void shouldAcceptADigestMismatchStatus()
    {
        result.wrap(buffer, FRAME_OFFSET);
        result.encode(ProtocolDescriptor.STATUS_DIGEST_MISMATCH, 1, 2, 3);

        assertDoesNotThrow(result::validate);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, -1, 255})
    void shouldRejectAnUnknownStatus(final int status)
    {
        result.wrap(buffer, FRAME_OFFSET);
        result.encode(status, 1, 2, 3);

        final LayoutException ex = assertThrows(LayoutException.class, result::validate);
        assertTrue(ex.getMessage().contains("unknown RESULT status: status=" + status), ex.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 39, 41, 48})
    void shouldRejectAnyOtherLength(final int length)
    {
        result.wrap(buffer, FRAME_OFFSET);
        result.encode(ProtocolDescriptor.STATUS_VERIFIED, 1, 2, 3);
        buffer.putInt(FRAME_OFFSET, length, ByteOrder.LITTLE_ENDIAN);

        final LayoutException ex = assertThrows(LayoutException.class, result::validate);
        assertTrue(ex.getMessage().contains("bad frame length: type=RESULT length=" + length + " expected=40"),
            ex.getMessage());
    }
}
