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

class DeviceStateFlyweightTest
{
    private final UnsafeBuffer buffer = sentinelBuffer(FRAME_OFFSET + 32 + 64);
    private final DeviceStateFlyweight state = new DeviceStateFlyweight();

    @Test
    void shouldEncodeEveryFieldAtItsDocumentedOffset()
    {
        state.wrap(buffer, FRAME_OFFSET);
        state.encode(320_000, 65_536, 0);

        final ByteBuffer expected = FrameBytes.expected(32);
        expected.putInt(0, 32);
        expected.putShort(4, (short)7);
        expected.putShort(6, (short)0);
        expected.putLong(8, 320_000);
        expected.putLong(16, 65_536);
        expected.putInt(24, 0);
        expected.putInt(28, 0);
        assertFrame(buffer, expected);
        assertEquals(32, DeviceStateDescriptor.PAYLOAD_OFFSET);
        assertEquals(FRAME_OFFSET + 32, state.payloadBufferOffset());
    }

    @Test
    void shouldAcceptChunksInOrderUpToTheTotal()
    {
        state.wrap(buffer, FRAME_OFFSET);
        state.encode(100, 0, 60).validate(0, -1);
        state.encode(100, 60, 40).validate(60, 100);
        assertEquals(100, state.totalLength());
        assertEquals(60, state.chunkOffset());
        assertEquals(40, state.chunkLength());
    }

    @Test
    void shouldRejectAChunkOutOfOrder()
    {
        state.wrap(buffer, FRAME_OFFSET);
        state.encode(100, 40, 20);
        final LayoutException ex = assertThrows(LayoutException.class, () -> state.validate(0, 100));
        assertTrue(ex.getMessage().contains("offset=40"), ex.getMessage());
    }

    @Test
    void shouldRejectAChunkPastTheTotal()
    {
        state.wrap(buffer, FRAME_OFFSET);
        state.encode(100, 90, 20);
        assertThrows(LayoutException.class, () -> state.validate(90, 100));
    }

    @Test
    void shouldRejectATotalThatChangesOrExceedsTheLimit()
    {
        state.wrap(buffer, FRAME_OFFSET);
        state.encode(100, 0, 10);
        assertThrows(LayoutException.class, () -> state.validate(0, 99));
        state.encode(ProtocolDescriptor.MAX_DEVICE_STATE_LENGTH + 1, 0, 10);
        final LayoutException ex = assertThrows(LayoutException.class, () -> state.validate(0, -1));
        assertTrue(ex.getMessage().contains("too large"), ex.getMessage());
        state.encode(-1, 0, 0);
        assertThrows(LayoutException.class, () -> state.validate(0, -1));
    }

    @Test
    void shouldRejectAFrameLengthThatDisagreesWithTheChunk()
    {
        state.wrap(buffer, FRAME_OFFSET);
        state.encode(100, 0, 10);
        state.frameLength(32 + 11);
        assertThrows(LayoutException.class, () -> state.validate(0, -1));
        state.encode(Long.MAX_VALUE / 2, 0, DeviceStateDescriptor.MAX_CHUNK_LENGTH + 1);
        assertThrows(LayoutException.class, () -> state.validate(0, -1));
    }

    @Test
    void shouldRejectAnotherFrameType()
    {
        state.wrap(buffer, FRAME_OFFSET);
        state.encode(100, 0, 10);
        state.type(ProtocolDescriptor.TYPE_END);
        assertThrows(LayoutException.class, () -> state.validate(0, -1));
    }

    @Test
    void shouldRefuseADeviceStateFrameShorterThanItsHeaderWithoutReadingPastIt()
    {
        // found by FrameValidatorFuzzTest: total, offset and chunk length were read before the frame length
        final DeviceStateFlyweight frame = new DeviceStateFlyweight();
        frame.wrap(FrameBytes.truncatedFrame(ProtocolDescriptor.TYPE_DEVICE_STATE, 24), FRAME_OFFSET);

        final LayoutException ex = assertThrows(LayoutException.class, () -> frame.validate(0, -1));
        assertTrue(ex.getMessage().contains("frame too short: type=DEVICE_STATE length=24 min=32"), ex.getMessage());
    }
}
