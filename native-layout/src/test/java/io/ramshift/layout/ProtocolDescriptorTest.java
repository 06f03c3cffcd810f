package io.ramshift.layout;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProtocolDescriptorTest
{
    @Test
    void shouldSpellRamshiftInAsciiWhenMagicIsStoredLittleEndian()
    {
        final byte[] bytes = new byte[8];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(ProtocolDescriptor.MAGIC);

        assertEquals("RAMSHIFT", new String(bytes, StandardCharsets.US_ASCII));
    }

    @Test
    void shouldPinTheV1Constants()
    {
        assertEquals(1, ProtocolDescriptor.VERSION);
        assertEquals(4096, ProtocolDescriptor.DEFAULT_PAGE_SIZE);
        assertEquals(1024, ProtocolDescriptor.MAX_ERROR_MESSAGE_LENGTH);
        assertEquals(0xFFFL, ProtocolDescriptor.KNOWN_OPTIONS);
        assertEquals(13, ProtocolDescriptor.TYPE_RESUME);
        assertEquals(1L << 8, ProtocolDescriptor.OPTION_RESUME);
        assertEquals(8, ProtocolDescriptor.ERROR_RESUME);
        assertEquals(4, ProtocolDescriptor.RUN_COPY);
        assertEquals(8, ProtocolDescriptor.TYPE_DEST_SUMMARY);
        assertEquals(512, ProtocolDescriptor.DELTA_CHUNK_PAGES);
        assertEquals(7, ProtocolDescriptor.TYPE_DEVICE_STATE);
        assertEquals(6, ProtocolDescriptor.ERROR_DEVICE_STATE);
        assertEquals(3, ProtocolDescriptor.RUN_DUP);
        assertEquals(64, ProtocolDescriptor.MAX_STREAMS);
        assertEquals(1, ProtocolDescriptor.TYPE_HELLO);
        assertEquals(2, ProtocolDescriptor.TYPE_HELLO_ACK);
        assertEquals(3, ProtocolDescriptor.TYPE_RUN_BATCH);
        assertEquals(4, ProtocolDescriptor.TYPE_END);
        assertEquals(5, ProtocolDescriptor.TYPE_RESULT);
        assertEquals(6, ProtocolDescriptor.TYPE_ERROR);
    }

    @Test
    void shouldNameEveryFrameTypeAndUnknownOnes()
    {
        assertEquals("HELLO", ProtocolDescriptor.typeName(1));
        assertEquals("HELLO_ACK", ProtocolDescriptor.typeName(2));
        assertEquals("RUN_BATCH", ProtocolDescriptor.typeName(3));
        assertEquals("END", ProtocolDescriptor.typeName(4));
        assertEquals("RESULT", ProtocolDescriptor.typeName(5));
        assertEquals("ERROR", ProtocolDescriptor.typeName(6));
        assertEquals("RESUME", ProtocolDescriptor.typeName(13));
        assertEquals("UNKNOWN(77)", ProtocolDescriptor.typeName(77));
    }

    @Test
    void shouldPlaceTheFrameHeaderFieldsAtTheDocumentedOffsets()
    {
        assertEquals(0, FrameHeaderDescriptor.FRAME_LENGTH_OFFSET);
        assertEquals(4, FrameHeaderDescriptor.TYPE_OFFSET);
        assertEquals(6, FrameHeaderDescriptor.FLAGS_OFFSET);
        assertEquals(8, FrameHeaderDescriptor.HEADER_LENGTH);
    }
}
