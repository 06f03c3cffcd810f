package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static io.ramshift.layout.FrameBytes.FRAME_OFFSET;
import static io.ramshift.layout.FrameBytes.assertFrame;
import static io.ramshift.layout.FrameBytes.sentinelBuffer;
import static io.ramshift.layout.ProtocolDescriptor.MAX_ERROR_MESSAGE_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorFlyweightTest
{
    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 16 + MAX_ERROR_MESSAGE_LENGTH + 64);
    private final ErrorFlyweight error = new ErrorFlyweight();

    @Test
    void shouldEncodeEveryFieldAtItsDocumentedOffset()
    {
        error.wrap(buffer, FRAME_OFFSET);
        error.encode(ProtocolDescriptor.ERROR_DESTINATION, "disk full é");

        final byte[] message = "disk full é".getBytes(StandardCharsets.UTF_8);
        final ByteBuffer expected = FrameBytes.expected(16 + message.length);
        expected.putInt(0, 16 + message.length);
        expected.putShort(4, (short)6);
        expected.putShort(6, (short)0);
        expected.putInt(8, 1);
        expected.putInt(12, message.length);
        expected.put(16, message, 0, message.length);
        assertFrame(buffer, expected);
        assertEquals(12, message.length);
    }

    @Test
    void shouldReadBackWhatItEncoded()
    {
        error.wrap(buffer, FRAME_OFFSET);
        error.encode(ProtocolDescriptor.ERROR_PROTOCOL, "run past image end: page=9 ✓").validate();

        assertEquals(ProtocolDescriptor.ERROR_PROTOCOL, error.code());
        assertEquals("run past image end: page=9 ✓", error.message());
    }

    @Test
    void shouldEncodeAnEmptyMessage()
    {
        error.wrap(buffer, FRAME_OFFSET);
        error.encode(ProtocolDescriptor.ERROR_IO, "").validate();

        assertEquals(16, error.frameLength());
        assertEquals("", error.message());
    }

    @Test
    void shouldKeepAMessageOfExactlyTheLimit()
    {
        final String message = "x".repeat(MAX_ERROR_MESSAGE_LENGTH);
        error.wrap(buffer, FRAME_OFFSET);
        error.encode(ProtocolDescriptor.ERROR_IO, message).validate();

        assertEquals(message, error.message());
        assertEquals(16 + MAX_ERROR_MESSAGE_LENGTH, error.frameLength());
    }

    @Test
    void shouldCutAnAsciiMessageAtTheLimit()
    {
        error.wrap(buffer, FRAME_OFFSET);
        error.encode(ProtocolDescriptor.ERROR_IO, "y".repeat(MAX_ERROR_MESSAGE_LENGTH + 500)).validate();

        assertEquals(MAX_ERROR_MESSAGE_LENGTH, error.messageLength());
        assertEquals("y".repeat(MAX_ERROR_MESSAGE_LENGTH), error.message());
    }

    @Test
    void shouldCutBeforeATwoByteCharacterThatWouldStraddleTheLimit()
    {
        assertCutAt("a".repeat(1023) + "é" + "tail", "a".repeat(1023));
    }

    @Test
    void shouldKeepATwoByteCharacterThatEndsExactlyAtTheLimit()
    {
        assertCutAt("a".repeat(1022) + "é" + "tail", "a".repeat(1022) + "é");
    }

    @Test
    void shouldCutBeforeAThreeByteCharacterThatWouldStraddleTheLimit()
    {
        assertCutAt("a".repeat(1022) + "✓" + "tail", "a".repeat(1022));
        assertCutAt("a".repeat(1023) + "✓" + "tail", "a".repeat(1023));
    }

    @Test
    void shouldCutBeforeAFourByteCharacterThatWouldStraddleTheLimit()
    {
        assertCutAt("a".repeat(1021) + "\uD83D\uDE80" + "tail", "a".repeat(1021));
        assertCutAt("a".repeat(1020) + "\uD83D\uDE80" + "tail", "a".repeat(1020) + "\uD83D\uDE80");
    }

    @Test
    void shouldCutAMessageOfOnlyMultiByteCharactersOnABoundary()
    {
        error.wrap(buffer, FRAME_OFFSET);
        error.encode(ProtocolDescriptor.ERROR_IO, "✓".repeat(600)).validate();

        assertEquals(1023, error.messageLength());
        assertEquals("✓".repeat(341), error.message());
    }

    @Test
    void shouldRejectAMessageLengthThatDisagreesWithTheFrameLength()
    {
        error.wrap(buffer, FRAME_OFFSET);
        error.encode(ProtocolDescriptor.ERROR_IO, "abc");
        buffer.putInt(FRAME_OFFSET + 12, 4, ByteOrder.LITTLE_ENDIAN);

        final LayoutException ex = assertThrows(LayoutException.class, error::validate);
        assertTrue(ex.getMessage().contains("bad ERROR frame: length=19 messageLength=4"), ex.getMessage());
    }

    @Test
    void shouldRejectAMessageLongerThanTheLimit()
    {
        error.wrap(buffer, FRAME_OFFSET);
        error.encode(ProtocolDescriptor.ERROR_IO, "z".repeat(MAX_ERROR_MESSAGE_LENGTH));
        buffer.putInt(FRAME_OFFSET, 16 + MAX_ERROR_MESSAGE_LENGTH + 1, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(FRAME_OFFSET + 12, MAX_ERROR_MESSAGE_LENGTH + 1, ByteOrder.LITTLE_ENDIAN);

        final LayoutException ex = assertThrows(LayoutException.class, error::validate);
        assertTrue(ex.getMessage().contains("messageLength=1025"), ex.getMessage());
    }

    @Test
    void shouldRejectANegativeMessageLength()
    {
        error.wrap(buffer, FRAME_OFFSET);
        error.encode(ProtocolDescriptor.ERROR_IO, "abc");
        buffer.putInt(FRAME_OFFSET + 12, -1, ByteOrder.LITTLE_ENDIAN);

        final LayoutException ex = assertThrows(LayoutException.class, error::validate);
        assertTrue(ex.getMessage().contains("messageLength=-1"), ex.getMessage());
    }

    private void assertCutAt(final String message, final String expected)
    {
        error.wrap(buffer, FRAME_OFFSET);
        error.encode(ProtocolDescriptor.ERROR_IO, message).validate();

        final byte[] expectedBytes = expected.getBytes(StandardCharsets.UTF_8);
        assertTrue(expectedBytes.length <= MAX_ERROR_MESSAGE_LENGTH);
        assertEquals(expectedBytes.length, error.messageLength());
        assertEquals(16 + expectedBytes.length, error.frameLength());
        assertEquals(expected, error.message());
    }

    @Test
    void shouldRefuseAnErrorFrameShorterThanItsFixedFieldsWithoutReadingPastIt()
    {
        // found by FrameValidatorFuzzTest: the message length was read before the frame length was checked
        error.wrap(FrameBytes.truncatedFrame(ProtocolDescriptor.TYPE_ERROR, 12), FRAME_OFFSET);

        final LayoutException ex = assertThrows(LayoutException.class, error::validate);
        assertTrue(ex.getMessage().contains("frame too short: type=ERROR length=12 min=16"), ex.getMessage());
    }
}
