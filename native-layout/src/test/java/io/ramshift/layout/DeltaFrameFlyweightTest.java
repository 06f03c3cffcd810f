package io.ramshift.layout;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.ramshift.layout.FrameBytes.FRAME_OFFSET;
import static io.ramshift.layout.FrameBytes.assertFrame;
import static io.ramshift.layout.FrameBytes.sentinelBuffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeltaFrameFlyweightTest
{
    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 2 * DeltaFrameDescriptor.PAGE_HASHES_ENTRY_LENGTH +
        64);
    private final DeltaFrameFlyweight frame = new DeltaFrameFlyweight();

    @Test
    void shouldEncodeASummaryAtItsDocumentedOffsets()
    {
        frame.wrap(buffer, FRAME_OFFSET);
        frame.encodeSummary(4096, 8, 2, ProtocolDescriptor.DELTA_FLAG_FROM_MANIFEST).summaryHash(0, 0x1111)
            .summaryHash(1, -2);

        final ByteBuffer expected = FrameBytes.expected(48);
        expected.putInt(0, 48);
        expected.putShort(4, (short)8);
        expected.putLong(8, 4096);
        expected.putLong(16, 8);
        expected.putInt(24, 2);
        expected.putInt(28, 2);
        expected.putLong(32, 0x1111);
        expected.putLong(40, -2);
        assertFrame(buffer, expected);
    }

    @Test
    void shouldAcceptSummariesInOrderAndRequireTheLastToEndAtTheLastChunk()
    {
        frame.wrap(buffer, FRAME_OFFSET);
        frame.encodeSummary(3, 0, 2, 0).validateSummary(3, 0);
        frame.encodeSummary(3, 2, 1, ProtocolDescriptor.DELTA_FLAG_LAST).validateSummary(3, 2);
        frame.encodeSummary(3, 0, 2, ProtocolDescriptor.DELTA_FLAG_LAST);
        assertTrue(assertThrows(LayoutException.class, () -> frame.validateSummary(3, 0)).getMessage()
            .contains("ends before the last chunk"));
    }

    @Test
    void shouldRefuseASummaryForAnotherImageOutOfOrderOrTooLong()
    {
        frame.wrap(buffer, FRAME_OFFSET);
        frame.encodeSummary(4, 0, 2, 0);
        assertThrows(LayoutException.class, () -> frame.validateSummary(5, 0));
        assertThrows(LayoutException.class, () -> frame.validateSummary(4, 1));
        frame.encodeSummary(4, 3, 2, 0);
        assertThrows(LayoutException.class, () -> frame.validateSummary(4, 3));
        frame.encodeSummary(4, 0, 2, 0).frameLength(40);
        assertThrows(LayoutException.class, () -> frame.validateSummary(4, 0));
        frame.encodeSummary(4, 0, 1, 8);
        assertTrue(assertThrows(LayoutException.class, () -> frame.validateSummary(4, 0)).getMessage()
            .contains("unknown flags"));
    }

    @Test
    void shouldRefuseARequestOutOfOrderOrPastTheLastChunk()
    {
        frame.wrap(buffer, FRAME_OFFSET);
        frame.encodeRequest(3, ProtocolDescriptor.DELTA_FLAG_LAST).listLong(0, 1).listLong(1, 5).listLong(2, 9);
        frame.validateRequest(10, -1);
        assertEquals(16 + 24, frame.frameLength());
        assertThrows(LayoutException.class, () -> frame.validateRequest(9, -1));
        assertThrows(LayoutException.class, () -> frame.validateRequest(10, 1));
        frame.listLong(1, 1);
        assertThrows(LayoutException.class, () -> frame.validateRequest(10, -1));
    }

    @Test
    void shouldCarryPageHashesOfAChunkAndRefuseAWrongLength()
    {
        frame.wrap(buffer, FRAME_OFFSET);
        frame.encodePageHashes(2, ProtocolDescriptor.DELTA_FLAG_LAST).entryChunk(0, 7).entryChunk(1, 4095);
        frame.entryHash(0, 0, 11).entryHash(0, 511, 12).entryHash(1, 3, 13);
        frame.validatePageHashes();
        assertEquals(16 + 2 * 4104, frame.frameLength());
        assertEquals(7, frame.entryChunk(0));
        assertEquals(4095, frame.entryChunk(1));
        assertEquals(12, frame.entryHash(0, 511));
        assertEquals(13, frame.entryHash(1, 3));
        assertEquals(7, buffer.getLong(FRAME_OFFSET + 16, java.nio.ByteOrder.LITTLE_ENDIAN));
        assertEquals(12, buffer.getLong(FRAME_OFFSET + 16 + 8 + 511 * 8, java.nio.ByteOrder.LITTLE_ENDIAN));
        frame.frameLength(frame.frameLength() - 8);
        assertThrows(LayoutException.class, () -> frame.validatePageHashes());
    }

    @Test
    void shouldCarryThirtyTwoBitPageHashesInHalfTheBytes()
    {
        frame.wrap(buffer, FRAME_OFFSET);
        frame.encodePageHashes(2, ProtocolDescriptor.DELTA_FLAG_LAST | ProtocolDescriptor.DELTA_FLAG_HASH32)
            .entryChunk(0, 3).entryChunk(1, 9);
        frame.entryHash(0, 511, 0x1234_5678_9ABC_DEF0L).entryHash(1, 0, -1L);
        frame.validatePageHashes();

        assertEquals(16 + 2 * DeltaFrameDescriptor.PAGE_HASHES_ENTRY_LENGTH_32, frame.frameLength());
        assertEquals(2056, DeltaFrameDescriptor.PAGE_HASHES_ENTRY_LENGTH_32);
        assertEquals(9, frame.entryChunk(1));
        assertEquals(0x9ABC_DEF0L, frame.entryHash(0, 511));
        assertEquals(0xFFFF_FFFFL, frame.entryHash(1, 0));
        assertEquals(0x9ABC_DEF0, buffer.getInt(FRAME_OFFSET + 16 + 8 + 511 * 4, java.nio.ByteOrder.LITTLE_ENDIAN));
        frame.encodePageHashes(1, ProtocolDescriptor.DELTA_FLAG_HASH32).frameLength(16 + 4104);
        assertThrows(LayoutException.class, () -> frame.validatePageHashes());
    }

    @Test
    void shouldRefuseDeltaFramesShorterThanTheirFixedFieldsWithoutReadingPastThem()
    {
        // found by FrameValidatorFuzzTest: a 22-byte DEST_SUMMARY had its first chunk read at offset 16..24 and
        // failed with IndexOutOfBoundsException (or, in a reused buffer, was judged on an earlier frame's bytes)
        frame.wrap(FrameBytes.truncatedFrame(ProtocolDescriptor.TYPE_DEST_SUMMARY, 22), FRAME_OFFSET);
        assertTrue(assertThrows(LayoutException.class, () -> frame.validateSummary(2, 0)).getMessage()
            .contains("frame too short: type=DEST_SUMMARY length=22 min=32"));
        frame.wrap(FrameBytes.truncatedFrame(ProtocolDescriptor.TYPE_CHUNK_REQUEST, 12), FRAME_OFFSET);
        assertTrue(assertThrows(LayoutException.class, () -> frame.validateRequest(2, -1)).getMessage()
            .contains("frame too short: type=CHUNK_REQUEST length=12 min=16"));
        frame.wrap(FrameBytes.truncatedFrame(ProtocolDescriptor.TYPE_PAGE_HASHES, 8), FRAME_OFFSET);
        assertTrue(assertThrows(LayoutException.class, frame::validatePageHashes).getMessage()
            .contains("frame too short: type=PAGE_HASHES length=8 min=16"));
    }
}
