package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.ramshift.layout.FrameBytes.FRAME_OFFSET;
import static io.ramshift.layout.FrameBytes.ascii;
import static io.ramshift.layout.FrameBytes.assertFrame;
import static io.ramshift.layout.FrameBytes.sentinelBuffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelloAckFlyweightTest
{
    private static final long SESSION_ID = -2L;

    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 32 + 16);
    private final HelloAckFlyweight ack = new HelloAckFlyweight();

    @Test
    void shouldEncodeEveryFieldAtItsDocumentedOffset()
    {
        ack.wrap(buffer, FRAME_OFFSET);
        ack.encode(HelloAckDescriptor.DESTINATION_EXISTING, SESSION_ID);

        final ByteBuffer expected = FrameBytes.expected(32);
        expected.putInt(0, 32);
        expected.putShort(4, (short)2);
        expected.put(8, ascii("RAMSHIFT"), 0, 8);
        expected.putShort(16, (short)1);
        expected.putShort(18, (short)2);
        expected.putInt(20, 0);
        expected.putLong(24, SESSION_ID);
        assertFrame(buffer, expected);
        assertEquals(32, HelloAckDescriptor.LENGTH);
    }

    @Test
    void shouldReadBackWhatItEncoded()
    {
        ack.wrap(buffer, FRAME_OFFSET);
        ack.encode(HelloAckDescriptor.DESTINATION_CREATED, SESSION_ID).validate(SESSION_ID);

        assertEquals(HelloAckDescriptor.DESTINATION_CREATED, ack.destinationState());
        assertEquals(SESSION_ID, ack.sessionId());
    }

    @Test
    void shouldRejectBadMagic()
    {
        encodeValid();
        buffer.putLong(FRAME_OFFSET + 8, 0L, ByteOrder.LITTLE_ENDIAN);

        assertRejected(SESSION_ID, "bad magic in HELLO_ACK");
    }

    @Test
    void shouldRejectAnotherVersion()
    {
        encodeValid();
        buffer.putShort(FRAME_OFFSET + 16, (short)0, ByteOrder.LITTLE_ENDIAN);

        assertRejected(SESSION_ID, "unsupported protocol version in HELLO_ACK: version=0");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 0xFFFF})
    void shouldRejectAnUnknownDestinationState(final int state)
    {
        ack.wrap(buffer, FRAME_OFFSET);
        ack.encode(state, SESSION_ID);

        assertRejected(SESSION_ID, "bad destination state in HELLO_ACK: state=" + state);
    }

    @Test
    void shouldRejectAnotherSession()
    {
        encodeValid();

        assertRejected(7L, "HELLO_ACK for another session: sessionId=-2 expected=7");
    }

    @Test
    void shouldRejectAnotherLength()
    {
        encodeValid();
        buffer.putInt(FRAME_OFFSET, 31, ByteOrder.LITTLE_ENDIAN);

        assertRejected(SESSION_ID, "bad frame length: type=HELLO_ACK length=31 expected=32");
    }

    private void encodeValid()
    {
        ack.wrap(buffer, FRAME_OFFSET);
        ack.encode(HelloAckDescriptor.DESTINATION_EXISTING, SESSION_ID).validate(SESSION_ID);
    }

    private void assertRejected(final long sessionId, final String expectedMessagePart)
    {
        final LayoutException ex = assertThrows(LayoutException.class, () -> ack.validate(sessionId));
        assertTrue(ex.getMessage().contains(expectedMessagePart),
            "message '" + ex.getMessage() + "' should contain '" + expectedMessagePart + "'");
    }
}
