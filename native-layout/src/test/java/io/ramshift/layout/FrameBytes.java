package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Byte-level helpers for layout tests: a buffer pre-filled with a sentinel, expected frames written at literal
 * offsets, and assertions that a frame holds exactly those bytes and nothing outside it changed.
 */
final class FrameBytes
{
    /** Byte every test buffer is filled with before encoding. */
    static final byte SENTINEL = (byte)0xEE;
    /** Offset at which tests wrap flyweights, so a flyweight that forgets its offset fails. */
    static final int FRAME_OFFSET = 24;

    private FrameBytes()
    {
    }

    /**
     * @param capacity bytes of the buffer.
     * @return a buffer of {@code capacity} bytes, every one {@link #SENTINEL}.
     */
    static UnsafeBuffer sentinelBuffer(final int capacity)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
        buffer.setMemory(0, capacity, SENTINEL);
        return buffer;
    }

    /**
     * A frame that holds nothing but its header and {@code length - 8} zero bytes, at {@link #FRAME_OFFSET} of a
     * buffer that ends where the frame ends: a flyweight that reads a field past the frame's end fails the bounds
     * check instead of reading stale bytes.
     *
     * @param type   frame type.
     * @param length frame length, at least the header.
     * @return the buffer.
     */
    static UnsafeBuffer truncatedFrame(final int type, final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FRAME_OFFSET + length]);
        buffer.putInt(FRAME_OFFSET, length, java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(FRAME_OFFSET + 4, (short)type, java.nio.ByteOrder.LITTLE_ENDIAN);
        return buffer;
    }

    /**
     * @param length of the frame.
     * @return a little-endian buffer to write the expected frame into at literal offsets.
     */
    static ByteBuffer expected(final int length)
    {
        return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * @param text ASCII text.
     * @return its bytes.
     */
    static byte[] ascii(final String text)
    {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Assert the frame at {@link #FRAME_OFFSET} equals {@code expected} byte for byte and the bytes before and after
     * it still hold the sentinel.
     *
     * @param buffer   holding the encoded frame.
     * @param expected the frame as documented.
     */
    static void assertFrame(final UnsafeBuffer buffer, final ByteBuffer expected)
    {
        final byte[] want = expected.array();
        final byte[] got = new byte[want.length];
        buffer.getBytes(FRAME_OFFSET, got);
        for (int i = 0; i < want.length; i++)
        {
            assertEquals(want[i], got[i], "byte " + i + " of the frame");
        }
        assertArrayEquals(want, got);
        for (int i = 0; i < FRAME_OFFSET; i++)
        {
            assertEquals(SENTINEL, buffer.getByte(i), "byte " + i + " before the frame was written");
        }
        for (int i = FRAME_OFFSET + want.length; i < buffer.capacity(); i++)
        {
            assertEquals(SENTINEL, buffer.getByte(i), "byte " + i + " after the frame was written");
        }
    }

    /**
     * @param buffer holding a frame at {@link #FRAME_OFFSET}.
     * @param at     offset inside the frame.
     * @param length bytes to read.
     * @return those bytes.
     */
    static byte[] bytesAt(final UnsafeBuffer buffer, final int at, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(FRAME_OFFSET + at, bytes);
        return bytes;
    }
}
