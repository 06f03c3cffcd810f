package io.ramshift.layout;

import static io.ramshift.layout.DeviceStateDescriptor.*;
import static io.ramshift.layout.ProtocolDescriptor.MAX_DEVICE_STATE_LENGTH;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_DEVICE_STATE;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the DEVICE_STATE frame header (see {@link DeviceStateDescriptor}); the chunk bytes follow it.
 */
public final class DeviceStateFlyweight extends FrameFlyweight
{
    /**
     * Write the header of a chunk; the caller puts (or gathers) the chunk bytes after it.
     *
     * @param totalLength bytes of the whole device state.
     * @param chunkOffset where this chunk starts in it.
     * @param chunkLength bytes in this chunk.
     * @return this for a fluent API.
     */
    public DeviceStateFlyweight encode(final long totalLength, final long chunkOffset, final int chunkLength)
    {
        header(PAYLOAD_OFFSET + chunkLength, TYPE_DEVICE_STATE);
        buffer.putLong(offset + TOTAL_LENGTH_OFFSET, totalLength, LITTLE_ENDIAN);
        buffer.putLong(offset + CHUNK_OFFSET_OFFSET, chunkOffset, LITTLE_ENDIAN);
        buffer.putInt(offset + CHUNK_LENGTH_OFFSET, chunkLength, LITTLE_ENDIAN);
        buffer.putInt(offset + RESERVED_OFFSET, 0, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check the header against the limits and against what was received before.
     *
     * @param expectedOffset bytes of the state received so far (the chunk must continue there).
     * @param expectedTotal  total length announced by the first chunk, or -1 before it.
     * @return this for a fluent API.
     */
    public DeviceStateFlyweight validate(final long expectedOffset, final long expectedTotal)
    {
        checkHeader(TYPE_DEVICE_STATE, -1);
        checkMinLength(PAYLOAD_OFFSET);
        final long total = totalLength();
        final long chunkOffset = chunkOffset();
        final long chunkLength = chunkLength() & 0xFFFF_FFFFL;
        if (total < 0 || total > MAX_DEVICE_STATE_LENGTH)
        {
            throw new LayoutException("device state too large: total=" + total + " max=" + MAX_DEVICE_STATE_LENGTH);
        }
        if (expectedTotal >= 0 && total != expectedTotal)
        {
            throw new LayoutException("device state total changed: total=" + total + " expected=" + expectedTotal);
        }
        if (chunkLength > MAX_CHUNK_LENGTH || frameLength() != PAYLOAD_OFFSET + chunkLength)
        {
            throw new LayoutException("device state chunk length mismatch: chunk=" + chunkLength + " frame=" +
                frameLength() + " max=" + MAX_CHUNK_LENGTH);
        }
        if (chunkOffset != expectedOffset || chunkOffset + chunkLength > total)
        {
            throw new LayoutException("device state chunk out of order or past its end: offset=" + chunkOffset +
                " length=" + chunkLength + " expectedOffset=" + expectedOffset + " total=" + total);
        }
        if (buffer.getInt(offset + RESERVED_OFFSET, LITTLE_ENDIAN) != 0)
        {
            throw new LayoutException("device state reserved word is not zero");
        }
        return this;
    }

    /** @return bytes of the whole device state. */
    public long totalLength()
    {
        return buffer.getLong(offset + TOTAL_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /** @return where this chunk starts. */
    public long chunkOffset()
    {
        return buffer.getLong(offset + CHUNK_OFFSET_OFFSET, LITTLE_ENDIAN);
    }

    /** @return bytes in this chunk. */
    public int chunkLength()
    {
        return buffer.getInt(offset + CHUNK_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /** @return offset of the chunk bytes in the wrapped buffer. */
    public int payloadBufferOffset()
    {
        return offset + PAYLOAD_OFFSET;
    }
}
