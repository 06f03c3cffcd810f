package io.ramshift.layout;

import org.agrona.MutableDirectBuffer;

import static io.ramshift.layout.FrameHeaderDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Base flyweight of every frame: wraps a buffer at an offset and reads or writes the common header.
 */
public abstract class FrameFlyweight
{
    /** Buffer holding the frame. */
    protected MutableDirectBuffer buffer;
    /** Offset of the frame's first byte. */
    protected int offset;

    /**
     * Wrap a frame.
     *
     * @param buffer holding the frame.
     * @param offset of its first byte.
     * @return this for a fluent API.
     */
    public FrameFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * @return the wrapped buffer.
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the frame in the wrapped buffer.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return total length of the frame, header included.
     */
    public int frameLength()
    {
        return buffer.getInt(offset + FRAME_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param length total length of the frame, header included.
     * @return this for a fluent API.
     */
    public FrameFlyweight frameLength(final int length)
    {
        buffer.putInt(offset + FRAME_LENGTH_OFFSET, length, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return frame type, one of {@code ProtocolDescriptor.TYPE_*}.
     */
    public int type()
    {
        return buffer.getShort(offset + TYPE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @param type frame type.
     * @return this for a fluent API.
     */
    public FrameFlyweight type(final int type)
    {
        buffer.putShort(offset + TYPE_OFFSET, (short)type, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @return the flags field.
     */
    public int flags()
    {
        return buffer.getShort(offset + FLAGS_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @param flags the flags field.
     * @return this for a fluent API.
     */
    public FrameFlyweight flags(final int flags)
    {
        buffer.putShort(offset + FLAGS_OFFSET, (short)flags, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Write the header of a frame of this type.
     *
     * @param frameLength total length of the frame.
     * @param type        frame type.
     */
    protected void header(final int frameLength, final int type)
    {
        frameLength(frameLength);
        type(type);
        flags(0);
    }

    /**
     * Check that the frame holds at least its fixed fields, before any of them is read: a short frame is refused
     * instead of its fields being read past its end (out of the buffer, or from an earlier frame's bytes).
     *
     * @param minLength bytes of the frame's fixed part, header included.
     */
    protected void checkMinLength(final int minLength)
    {
        if (frameLength() < minLength)
        {
            throw new LayoutException("frame too short: type=" + ProtocolDescriptor.typeName(type()) +
                " length=" + frameLength() + " min=" + minLength);
        }
    }

    /**
     * Check that the header names the expected type and, for fixed-size frames, the expected length.
     *
     * @param expectedType   type this flyweight reads.
     * @param expectedLength frame length, or -1 when the length varies.
     */
    protected void checkHeader(final int expectedType, final int expectedLength)
    {
        final int type = type();
        if (type != expectedType)
        {
            throw new LayoutException("unexpected frame: type=" + ProtocolDescriptor.typeName(type) +
                " expected=" + ProtocolDescriptor.typeName(expectedType));
        }
        if (expectedLength >= 0 && frameLength() != expectedLength)
        {
            throw new LayoutException("bad frame length: type=" + ProtocolDescriptor.typeName(type) +
                " length=" + frameLength() + " expected=" + expectedLength);
        }
        if (flags() != 0)
        {
            throw new LayoutException("unknown frame flags: type=" + ProtocolDescriptor.typeName(type) +
                " flags=0x" + Integer.toHexString(flags()));
        }
    }
}
