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

class PostcopyPagesFlyweightTest
{
    private static final int PAGE = 4096;
    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 48 + PAGE + 16);
    private final PostcopyPagesFlyweight pages = new PostcopyPagesFlyweight();

    @Test
    void shouldEncodeEveryFieldAtItsDocumentedOffset()
    {
        encodeTwo();

        final ByteBuffer expected = FrameBytes.expected(48 + PAGE);
        expected.putInt(0, 48 + PAGE);
        expected.putShort(4, (short)15);
        expected.putShort(6, (short)0);
        expected.put(8, (byte)2);
        expected.put(9, (byte)1);
        expected.put(10, (byte)1);
        expected.put(11, (byte)0);
        expected.putInt(12, 2);
        expected.putLong(16, 99);
        expected.putInt(24, 2);
        expected.putInt(28, 0);
        expected.putLong(32, 0);
        expected.putInt(40, 1);
        expected.putInt(44, 0);
        for (int i = 0; i < PAGE; i++)
        {
            expected.put(48 + i, (byte)7);
        }
        assertFrame(buffer, expected);
    }

    @Test
    void shouldReadBackWhatItEncoded()
    {
        encodeTwo();

        pages.validate(100, PAGE);
        assertEquals(ProtocolDescriptor.POSTCOPY_ORIGIN_DEMAND, pages.origin());
        assertEquals(PostcopyPagesDescriptor.VERSION, pages.version());
        assertEquals(ProtocolDescriptor.ENCODING_RAW, pages.encoding());
        assertEquals(PAGE, pages.payloadLength(2));
        assertEquals(1, pages.dataPages(2));
        assertEquals(2, pages.entryCount());
        assertEquals(99, pages.page(0));
        assertEquals(ProtocolDescriptor.RUN_DATA, pages.kind(0));
        assertEquals(0, pages.page(1));
        assertEquals(ProtocolDescriptor.RUN_ZERO, pages.kind(1));
        assertEquals(FRAME_OFFSET + 48, pages.dataOffset(2));
    }

    @ParameterizedTest
    @ValueSource(longs = {100, 101, -1, Long.MAX_VALUE})
    void shouldRejectAPagePastTheImageEnd(final long page)
    {
        encodeTwo();
        buffer.putLong(FRAME_OFFSET + 16, page, ByteOrder.LITTLE_ENDIAN);

        assertRejected("post-copy page past image end: page=" + page + " pages=100");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 4})
    void shouldRejectAnUnknownKind(final int kind)
    {
        encodeTwo();
        buffer.putInt(FRAME_OFFSET + 24, kind, ByteOrder.LITTLE_ENDIAN);

        assertRejected("bad post-copy page kind: page=99 kind=" + kind);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 257, -1})
    void shouldRejectAnEntryCountOutOfRange(final int entries)
    {
        encodeTwo();
        buffer.putInt(FRAME_OFFSET + 12, entries, ByteOrder.LITTLE_ENDIAN);

        assertRejected("bad post-copy entry count: entries=" + entries);
    }

    @Test
    void shouldRejectALengthThatDisagreesWithTheDataEntries()
    {
        encodeTwo();
        buffer.putInt(FRAME_OFFSET + 40, ProtocolDescriptor.RUN_DATA, ByteOrder.LITTLE_ENDIAN);

        assertRejected("bad frame length: type=POSTCOPY_PAGES length=4144 expected=8240");
    }

    @Test
    void shouldEncodeAnLz4FrameAtItsDocumentedOffsets()
    {
        encodeLz4(100);

        final ByteBuffer expected = FrameBytes.expected(48 + 100);
        expected.putInt(0, 48 + 100);
        expected.putShort(4, (short)15);
        expected.putShort(6, (short)0);
        expected.put(8, (byte)1);
        expected.put(9, (byte)1);
        expected.put(10, (byte)2);
        expected.put(11, (byte)0);
        expected.putInt(12, 2);
        expected.putLong(16, 99);
        expected.putInt(24, 2);
        expected.putInt(28, 0);
        expected.putLong(32, 0);
        expected.putInt(40, 1);
        expected.putInt(44, 0);
        for (int i = 0; i < 100; i++)
        {
            expected.put(48 + i, (byte)7);
        }
        assertFrame(buffer, expected);
        pages.validate(100, PAGE);
        assertEquals(ProtocolDescriptor.ENCODING_LZ4, pages.encoding());
        assertEquals(100, pages.payloadLength(2));
        assertEquals(1, pages.dataPages(2));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, PAGE})
    void shouldRejectAnLz4PayloadThatIsEmptyOrNoShorterThanItsPages(final int payload)
    {
        encodeLz4(payload);

        assertRejected("bad LZ4 payload length: type=POSTCOPY_PAGES payload=" + payload + " raw=4096");
    }

    @Test
    void shouldRejectAnLz4FrameWithoutDataEntries()
    {
        encodeLz4(100);
        buffer.putInt(FRAME_OFFSET + 24, ProtocolDescriptor.RUN_ZERO, ByteOrder.LITTLE_ENDIAN);

        assertRejected("bad LZ4 payload length: type=POSTCOPY_PAGES payload=100 raw=0");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 255})
    void shouldRejectAnotherLayoutVersion(final int version)
    {
        encodeTwo();
        buffer.putByte(FRAME_OFFSET + 9, (byte)version);

        assertRejected("unsupported POSTCOPY_PAGES version: version=" + version + " expected=1");
    }

    @Test
    void shouldRejectTheFirstLayoutsU32Origin()
    {
        encodeTwo();
        buffer.putInt(FRAME_OFFSET + 8, ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH, ByteOrder.LITTLE_ENDIAN);

        assertRejected("unsupported POSTCOPY_PAGES version: version=0 expected=1");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 255})
    void shouldRejectAnUnknownEncoding(final int encoding)
    {
        encodeTwo();
        buffer.putByte(FRAME_OFFSET + 10, (byte)encoding);

        assertRejected("bad post-copy encoding: encoding=" + encoding);
    }

    @Test
    void shouldRejectAnUnknownOriginAndReservedBits()
    {
        encodeTwo();
        buffer.putByte(FRAME_OFFSET + 8, (byte)3);
        assertEquals(ProtocolDescriptor.POSTCOPY_ORIGIN_PREFETCH, pages.validate(100, PAGE).origin(), "3 is PREFETCH");
        encodeTwo();
        buffer.putByte(FRAME_OFFSET + 8, (byte)4);
        assertRejected("bad post-copy origin: origin=4");
        encodeTwo();
        buffer.putByte(FRAME_OFFSET + 8, (byte)0);
        assertRejected("bad post-copy origin: origin=0");

        encodeTwo();
        buffer.putByte(FRAME_OFFSET + 11, (byte)1);
        assertRejected("post-copy frame reserved byte not zero: reserved=1");

        encodeTwo();
        buffer.putInt(FRAME_OFFSET + 28, 1, ByteOrder.LITTLE_ENDIAN);
        assertRejected("post-copy entry reserved field not zero: page=99 reserved=1");
    }

    private void encodeTwo()
    {
        pages.wrap(buffer, FRAME_OFFSET);
        pages.start(ProtocolDescriptor.POSTCOPY_ORIGIN_DEMAND);
        pages.entry(0, 99, ProtocolDescriptor.RUN_DATA);
        pages.entry(1, 0, ProtocolDescriptor.RUN_ZERO);
        for (int i = 0; i < PAGE; i++)
        {
            buffer.putByte(FRAME_OFFSET + 48 + i, (byte)7);
        }
        pages.finish(2, 1, PAGE);
    }

    private void encodeLz4(final int payload)
    {
        pages.wrap(buffer, FRAME_OFFSET);
        pages.start(ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH);
        pages.entry(0, 99, ProtocolDescriptor.RUN_DATA);
        pages.entry(1, 0, ProtocolDescriptor.RUN_ZERO);
        for (int i = 0; i < payload; i++)
        {
            buffer.putByte(FRAME_OFFSET + 48 + i, (byte)7);
        }
        pages.finishLz4(2, payload);
    }

    private void assertRejected(final String message)
    {
        final LayoutException ex = assertThrows(LayoutException.class, () -> pages.validate(100, PAGE));
        assertTrue(ex.getMessage().contains(message), ex.getMessage());
    }
}
