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
import static io.ramshift.layout.ProtocolDescriptor.ENCODING_LZ4;
import static io.ramshift.layout.ProtocolDescriptor.ENCODING_RAW;
import static io.ramshift.layout.ProtocolDescriptor.MAX_BATCH_RUNS;
import static io.ramshift.layout.ProtocolDescriptor.MAX_FRAME_LENGTH;
import static io.ramshift.layout.ProtocolDescriptor.RUN_DATA;
import static io.ramshift.layout.ProtocolDescriptor.RUN_ZERO;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunBatchFlyweightTest
{
    private static final int PAGE = 4096;
    private static final long PAGES = 1000;

    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 32 + (MAX_BATCH_RUNS + 2) * 24 + 16);
    private final RunBatchFlyweight batch = new RunBatchFlyweight();

    @Test
    void shouldEncodeTheBodyAndRunEntriesAtTheDocumentedOffsets()
    {
        batch.wrap(buffer, FRAME_OFFSET);
        batch.encodeBody(2, ENCODING_RAW, 3 * PAGE, 3 * PAGE, 0x1122_3344_5566_7788L);
        batch.run(0, 0x0A0B_0C0D_0E0F_1011L, 7, RUN_ZERO);
        batch.run(1, 999, 3, RUN_DATA);

        final ByteBuffer expected = FrameBytes.expected(32 + 2 * 24);
        expected.putInt(0, 32 + 2 * 24 + 3 * PAGE);
        expected.putShort(4, (short)3);
        expected.putShort(6, (short)0);
        expected.putInt(8, 2);
        expected.put(12, (byte)1);
        expected.put(13, (byte)0);
        expected.putShort(14, (short)0);
        expected.putInt(16, 3 * PAGE);
        expected.putInt(20, 3 * PAGE);
        expected.putLong(24, 0x1122_3344_5566_7788L);
        expected.putLong(32, 0x0A0B_0C0D_0E0F_1011L);
        expected.putInt(40, 7);
        expected.putShort(44, (short)1);
        expected.putShort(46, (short)0);
        expected.putLong(48, 0L);
        expected.putLong(56, 999L);
        expected.putInt(64, 3);
        expected.putShort(68, (short)2);
        expected.putShort(70, (short)0);
        expected.putLong(72, 0L);
        assertFrame(buffer, expected);
        assertEquals(32, RunBatchDescriptor.BODY_LENGTH);
        assertEquals(24, RunBatchDescriptor.RUN_ENTRY_LENGTH);
        assertEquals(FRAME_OFFSET + 80, batch.payloadBufferOffset());
    }

    @Test
    void shouldReadBackWhatItEncoded()
    {
        batch.wrap(buffer, FRAME_OFFSET);
        batch.encodeBody(2, ENCODING_LZ4, 100, 2 * PAGE, 5);
        batch.run(0, 10, 0xFFFF_FFFF, RUN_ZERO);
        batch.run(1, 20, 2, RUN_DATA);

        assertEquals(2, batch.runCount());
        assertEquals(ENCODING_LZ4, batch.encoding());
        assertEquals(100, batch.payloadLength());
        assertEquals(2 * PAGE, batch.rawLength());
        assertEquals(5, batch.sequence());
        assertEquals(10, batch.firstPage(0));
        assertEquals(0xFFFF_FFFFL, batch.pageCount(0) & 0xFFFF_FFFFL);
        assertEquals(RUN_ZERO, batch.kind(0));
        assertEquals(RUN_DATA, batch.kind(1));
        assertEquals(0, batch.reference(1));
    }

    @Test
    void shouldAcceptAValidBatch()
    {
        encode(2, ENCODING_RAW, 2 * PAGE, 2 * PAGE);
        batch.run(0, 0, 10, RUN_ZERO);
        batch.run(1, PAGES - 2, 2, RUN_DATA);

        assertDoesNotThrow(() -> batch.validateBody(MAX_FRAME_LENGTH).validateRuns(PAGES, PAGE));
    }

    @Test
    void shouldRejectARunCountOfZero()
    {
        encode(0, ENCODING_RAW, 0, 0);

        assertBodyRejected("run count out of range: runs=0");
    }

    @Test
    void shouldRejectMoreRunsThanTheMaximum()
    {
        encode(MAX_BATCH_RUNS + 1, ENCODING_RAW, 0, 0);

        assertBodyRejected("run count out of range: runs=" + (MAX_BATCH_RUNS + 1) + " max=" + MAX_BATCH_RUNS);
    }

    @Test
    void shouldAcceptTheMaximumRunCount()
    {
        encode(MAX_BATCH_RUNS, ENCODING_RAW, 0, 0);

        assertDoesNotThrow(() -> batch.validateBody(MAX_FRAME_LENGTH));
    }

    @Test
    void shouldRejectANegativeRunCount()
    {
        encode(1, ENCODING_RAW, 0, 0);
        buffer.putInt(FRAME_OFFSET + 8, -1, ByteOrder.LITTLE_ENDIAN);

        assertBodyRejected("run count out of range: runs=-1");
    }

    @Test
    void shouldRejectAFrameLengthThatDisagreesWithRunsAndPayload()
    {
        encode(2, ENCODING_RAW, PAGE, PAGE);
        buffer.putInt(FRAME_OFFSET, 32 + 2 * 24 + PAGE + 1, ByteOrder.LITTLE_ENDIAN);

        assertBodyRejected("lengths disagree: length=" + (32 + 2 * 24 + PAGE + 1) + " runs=2 payload=" + PAGE);
    }

    @Test
    void shouldRejectAPayloadLengthThatDisagreesWithTheFrame()
    {
        encode(1, ENCODING_RAW, PAGE, PAGE);
        buffer.putInt(FRAME_OFFSET + 16, -PAGE, ByteOrder.LITTLE_ENDIAN);

        assertBodyRejected("lengths disagree");
    }

    @Test
    void shouldRejectAFrameLongerThanTheReaderAccepts()
    {
        encode(1, ENCODING_RAW, 1024 * PAGE, 1024 * PAGE);

        final LayoutException ex = assertThrows(LayoutException.class, () -> batch.validateBody(64 * 1024));
        assertTrue(ex.getMessage().contains("length out of range: length=" + (32 + 24 + 1024 * PAGE)),
            ex.getMessage());
        assertTrue(ex.getMessage().contains("max=65536"), ex.getMessage());
    }

    @Test
    void shouldRejectAFrameShorterThanTheBody()
    {
        encode(1, ENCODING_RAW, 0, 0);
        buffer.putInt(FRAME_OFFSET, 31, ByteOrder.LITTLE_ENDIAN);

        assertBodyRejected("length out of range: length=31 min=32");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 0xFF})
    void shouldRejectAnUnknownEncoding(final int encoding)
    {
        encode(1, encoding, PAGE, PAGE);

        assertBodyRejected("unknown encoding: encoding=" + encoding);
    }

    @Test
    void shouldRejectARawPayloadWhoseLengthDiffersFromTheRawLength()
    {
        encode(1, ENCODING_RAW, PAGE, 2 * PAGE);

        assertBodyRejected("raw payload length differs from raw length: payload=4096 raw=8192");
    }

    @Test
    void shouldRejectARawLengthAboveTheBatchLimit()
    {
        encode(1, ENCODING_LZ4, 16, 1025 * PAGE);

        assertBodyRejected("raw length too large: raw=" + 1025 * PAGE);
    }

    @Test
    void shouldRejectARunPastTheImageEnd()
    {
        encode(1, ENCODING_RAW, 2 * PAGE, 2 * PAGE);
        batch.run(0, PAGES - 1, 2, RUN_DATA);

        assertRunsRejected("run past image end: page=999 count=2 pages=1000");
    }

    @Test
    void shouldRejectARunStartingAtTheImageEnd()
    {
        encode(1, ENCODING_RAW, 0, 0);
        batch.run(0, PAGES, 1, RUN_ZERO);

        assertRunsRejected("run past image end: page=1000");
    }

    @Test
    void shouldRejectAnUnsignedPageCountThatWouldOverflowNearTheEnd()
    {
        encode(1, ENCODING_RAW, 0, 0);
        batch.run(0, PAGES - 10, 0xFFFF_FFFF, RUN_ZERO);

        assertRunsRejected("run past image end: page=990 count=4294967295");
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE, -1})
    void shouldRejectAFirstPageThatWouldOverflow(final long firstPage)
    {
        encode(1, ENCODING_RAW, 0, 0);
        batch.run(0, firstPage, 2, RUN_ZERO);

        assertRunsRejected("run past image end: page=" + firstPage);
    }

    @Test
    void shouldRejectAHugeRunOnAHugeImage()
    {
        final long pages = Long.MAX_VALUE >>> 12;
        encode(1, ENCODING_RAW, 0, 0);
        batch.run(0, pages - 1, 0xFFFF_FFFF, RUN_ZERO);

        final LayoutException ex = assertThrows(LayoutException.class, () -> batch.validateRuns(pages, PAGE));
        assertTrue(ex.getMessage().contains("run past image end"), ex.getMessage());
    }

    @Test
    void shouldRejectAnEmptyRun()
    {
        encode(1, ENCODING_RAW, 0, 0);
        batch.run(0, 5, 0, RUN_ZERO);

        assertRunsRejected("empty run: run=0 page=5");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 0xFFFF})
    void shouldRejectAnUnknownRunKind(final int kind)
    {
        encode(2, ENCODING_RAW, 0, 0);
        batch.run(0, 0, 1, RUN_ZERO);
        batch.run(1, 1, 1, kind);

        assertRunsRejected("unknown run kind: run=1 kind=" + kind);
    }

    @Test
    void shouldRejectAReferenceOnARunThatIsNotDup()
    {
        encode(1, ENCODING_RAW, 0, 0);
        batch.run(0, 0, 1, RUN_ZERO);
        buffer.putLong(FRAME_OFFSET + 32 + 16, 42L, ByteOrder.LITTLE_ENDIAN);

        assertRunsRejected("reference set on a run that is not DUP or COPY: run=0 reference=42");
    }

    @Test
    void shouldRejectARawLengthThatIsNotTheDataPagesTimesThePageSize()
    {
        encode(2, ENCODING_RAW, 2 * PAGE, 2 * PAGE);
        batch.run(0, 0, 1, RUN_DATA);
        batch.run(1, 1, 5, RUN_ZERO);

        assertRunsRejected("data pages do not match raw length: dataPages=1 pageSize=4096 raw=8192");
    }

    @Test
    void shouldRejectDataPagesThatWouldWrapAnIntProduct()
    {
        final long pages = 1L << 40;
        encode(2, ENCODING_RAW, 0, 0);
        batch.run(0, 0, 1 << 20, RUN_DATA);
        batch.run(1, 1 << 20, 1 << 20, RUN_DATA);

        final LayoutException ex = assertThrows(LayoutException.class, () -> batch.validateRuns(pages, PAGE));
        assertTrue(ex.getMessage().contains("dataPages=2097152"), ex.getMessage());
    }

    @Test
    void shouldRejectAnotherFrameType()
    {
        encode(1, ENCODING_RAW, 0, 0);
        buffer.putShort(FRAME_OFFSET + 4, (short)ProtocolDescriptor.TYPE_HELLO, ByteOrder.LITTLE_ENDIAN);

        assertBodyRejected("unexpected frame: type=HELLO expected=RUN_BATCH");
    }

    @Test
    void shouldPlacePayloadAfterTheRunTable()
    {
        assertEquals(32, RunBatchDescriptor.payloadOffset(0));
        assertEquals(32 + 24 * 512, RunBatchDescriptor.payloadOffset(512));
        assertEquals(32 + 24 * 3, RunBatchDescriptor.runEntryOffset(3));
    }

    private void encode(final int runCount, final int encoding, final int payloadLength, final int rawLength)
    {
        batch.wrap(buffer, FRAME_OFFSET);
        batch.encodeBody(runCount, encoding, payloadLength, rawLength, 0);
    }

    private void assertBodyRejected(final String expectedMessagePart)
    {
        final LayoutException ex = assertThrows(LayoutException.class, () -> batch.validateBody(MAX_FRAME_LENGTH));
        assertTrue(ex.getMessage().contains(expectedMessagePart),
            "message '" + ex.getMessage() + "' should contain '" + expectedMessagePart + "'");
    }

    private void assertRunsRejected(final String expectedMessagePart)
    {
        final LayoutException ex = assertThrows(LayoutException.class, () -> batch.validateRuns(PAGES, PAGE));
        assertTrue(ex.getMessage().contains(expectedMessagePart),
            "message '" + ex.getMessage() + "' should contain '" + expectedMessagePart + "'");
    }

    @Test
    void shouldRefuseARunBatchShorterThanItsBodyWithoutReadingPastIt()
    {
        // found by FrameValidatorFuzzTest: run count, encoding and lengths were read before the frame length
        batch.wrap(FrameBytes.truncatedFrame(ProtocolDescriptor.TYPE_RUN_BATCH, 16), FRAME_OFFSET);

        final LayoutException ex = assertThrows(LayoutException.class,
            () -> batch.validateBody(ProtocolDescriptor.MAX_FRAME_LENGTH));
        assertTrue(ex.getMessage().contains("RUN_BATCH length out of range: length=16 min=32"), ex.getMessage());
    }
}
