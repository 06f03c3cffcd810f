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
import static io.ramshift.layout.FrameBytes.bytesAt;
import static io.ramshift.layout.FrameBytes.sentinelBuffer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelloFlyweightTest
{
    private static final long IMAGE_SIZE = 5L << 30;
    private static final long SESSION_ID = 0x0102_0304_0506_0708L;

    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 64 + 16);
    private final HelloFlyweight hello = new HelloFlyweight();

    @Test
    void shouldEncodeEveryFieldAtItsDocumentedOffset()
    {
        hello.wrap(buffer, FRAME_OFFSET);
        hello.encode(4096, IMAGE_SIZE, ProtocolDescriptor.OPTION_RESIZE | ProtocolDescriptor.OPTION_LZ4, SESSION_ID);

        final ByteBuffer expected = FrameBytes.expected(64);
        expected.putInt(0, 64);
        expected.putShort(4, (short)1);
        expected.putShort(6, (short)0);
        expected.put(8, ascii("RAMSHIFT"), 0, 8);
        expected.putShort(16, (short)1);
        expected.putShort(18, (short)0); // stream index of a single-stream session
        expected.putInt(20, 4096);
        expected.putLong(24, IMAGE_SIZE);
        expected.putLong(32, IMAGE_SIZE / 4096);
        expected.putLong(40, 5L);
        expected.putLong(48, SESSION_ID);
        expected.putInt(56, ProtocolDescriptor.MAX_FRAME_LENGTH);
        expected.putShort(60, (short)1); // stream count
        expected.putShort(62, (short)0);
        assertFrame(buffer, expected);
        assertEquals(64, HelloDescriptor.LENGTH);
    }

    @Test
    void shouldWriteMagicAsAsciiAndVersionLittleEndian()
    {
        hello.wrap(buffer, FRAME_OFFSET);
        hello.encode(4096, IMAGE_SIZE, 0, SESSION_ID);

        assertArrayEquals(ascii("RAMSHIFT"), bytesAt(buffer, 8, 8));
        assertArrayEquals(new byte[] {1, 0}, bytesAt(buffer, 16, 2));
        assertArrayEquals(new byte[] {0, 0x10, 0, 0}, bytesAt(buffer, 20, 4));
        assertArrayEquals(new byte[] {0, 0, 0, 0x40, 1, 0, 0, 0}, bytesAt(buffer, 24, 8));
        assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, bytesAt(buffer, 48, 8));
    }

    @Test
    void shouldReadBackWhatItEncodedAndValidate()
    {
        hello.wrap(buffer, FRAME_OFFSET);
        hello.encode(4096, IMAGE_SIZE, ProtocolDescriptor.OPTION_NO_SYNC, SESSION_ID).validate();

        assertEquals(ProtocolDescriptor.TYPE_HELLO, hello.type());
        assertEquals(64, hello.frameLength());
        assertEquals(0, hello.flags());
        assertEquals(ProtocolDescriptor.MAGIC, hello.magic());
        assertEquals(1, hello.version());
        assertEquals(4096, hello.pageSize());
        assertEquals(IMAGE_SIZE, hello.imageSize());
        assertEquals(IMAGE_SIZE / 4096, hello.pageCount());
        assertEquals(ProtocolDescriptor.OPTION_NO_SYNC, hello.options());
        assertEquals(SESSION_ID, hello.sessionId());
        assertEquals(ProtocolDescriptor.MAX_FRAME_LENGTH, hello.maxFrameLength());
    }

    @Test
    void shouldRejectBadMagic()
    {
        encodeValid();
        buffer.putBytes(FRAME_OFFSET + 8, ascii("RAMSHIFU"));

        assertRejected("bad magic");
    }

    @Test
    void shouldRejectAnotherProtocolVersion()
    {
        encodeValid();
        buffer.putShort(FRAME_OFFSET + 16, (short)2, ByteOrder.LITTLE_ENDIAN);

        assertRejected("unsupported protocol version: version=2");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 512, 2048, 8192, 65536, -4096})
    void shouldRejectAnyPageSizeButFourKilobytes(final int pageSize)
    {
        encodeValid();
        buffer.putInt(FRAME_OFFSET + 20, pageSize, ByteOrder.LITTLE_ENDIAN);

        assertRejected("unsupported page size: pageSize=" + pageSize);
    }

    @ParameterizedTest
    @ValueSource(longs = {4097, 4095, 1, (5L << 30) + 2048})
    void shouldRejectAnImageSizeThatIsNotAPageMultiple(final long imageSize)
    {
        hello.wrap(buffer, FRAME_OFFSET);
        hello.encode(4096, imageSize, 0, SESSION_ID);

        assertRejected("bad image size: imageSize=" + imageSize);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -4096, Long.MIN_VALUE})
    void shouldRejectAnImageSizeThatIsNotPositive(final long imageSize)
    {
        hello.wrap(buffer, FRAME_OFFSET);
        hello.encode(4096, imageSize, 0, SESSION_ID);

        assertRejected("bad image size: imageSize=" + imageSize);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, (5L << 30) / 4096 - 1, (5L << 30) / 4096 + 1, -1})
    void shouldRejectAPageCountThatDisagreesWithTheImageSize(final long pageCount)
    {
        encodeValid();
        buffer.putLong(FRAME_OFFSET + 32, pageCount, ByteOrder.LITTLE_ENDIAN);

        assertRejected("page count does not match image size: pages=" + pageCount);
    }

    @ParameterizedTest
    @ValueSource(longs = {1L << 12, 1L << 31, 1L << 63, -1L})
    void shouldRejectUnknownOptionBits(final long options)
    {
        hello.wrap(buffer, FRAME_OFFSET);
        hello.encode(4096, IMAGE_SIZE, options | ProtocolDescriptor.OPTION_RESIZE, SESSION_ID);

        assertRejected("unknown option bits");
    }

    @Test
    void shouldAcceptEveryKnownOptionBit()
    {
        hello.wrap(buffer, FRAME_OFFSET);
        hello.encode(4096, IMAGE_SIZE, ProtocolDescriptor.KNOWN_OPTIONS, SESSION_ID).validate();

        assertEquals(ProtocolDescriptor.KNOWN_OPTIONS, hello.options());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, ProtocolDescriptor.MAX_FRAME_LENGTH + 1})
    void shouldRejectAMaxFrameLengthOutOfRange(final int maxFrameLength)
    {
        encodeValid();
        buffer.putInt(FRAME_OFFSET + 56, maxFrameLength, ByteOrder.LITTLE_ENDIAN);

        assertRejected("bad max frame length: " + maxFrameLength);
    }

    @Test
    void shouldRejectAnotherFrameLength()
    {
        encodeValid();
        buffer.putInt(FRAME_OFFSET, 65, ByteOrder.LITTLE_ENDIAN);

        assertRejected("bad frame length: type=HELLO length=65 expected=64");
    }

    @Test
    void shouldRejectAnotherFrameType()
    {
        encodeValid();
        buffer.putShort(FRAME_OFFSET + 4, (short)ProtocolDescriptor.TYPE_END, ByteOrder.LITTLE_ENDIAN);

        assertRejected("unexpected frame: type=END expected=HELLO");
    }

    @Test
    void shouldRejectFlags()
    {
        encodeValid();
        buffer.putShort(FRAME_OFFSET + 6, (short)0x8000, ByteOrder.LITTLE_ENDIAN);

        assertRejected("unknown frame flags: type=HELLO flags=0x8000");
    }

    private void encodeValid()
    {
        hello.wrap(buffer, FRAME_OFFSET);
        hello.encode(4096, IMAGE_SIZE, 0, SESSION_ID).validate();
    }

    private void assertRejected(final String expectedMessagePart)
    {
        final LayoutException ex = assertThrows(LayoutException.class, hello::validate);
        assertTrue(ex.getMessage().contains(expectedMessagePart),
            "message '" + ex.getMessage() + "' should contain '" + expectedMessagePart + "'");
    }
}
