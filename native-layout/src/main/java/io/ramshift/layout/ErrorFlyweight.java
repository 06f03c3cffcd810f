package io.ramshift.layout;

import java.nio.charset.StandardCharsets;

import static io.ramshift.layout.ErrorDescriptor.*;
import static io.ramshift.layout.ProtocolDescriptor.MAX_ERROR_MESSAGE_LENGTH;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_ERROR;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the ERROR frame (see {@link ErrorDescriptor}); not on a hot path, so it may allocate strings.
 */
public final class ErrorFlyweight extends FrameFlyweight
{
    /**
     * Write a complete ERROR; a message longer than the limit is cut at a character boundary.
     *
     * @param code    one of {@code ProtocolDescriptor.ERROR_*}.
     * @param message one-line reason.
     * @return this for a fluent API.
     */
    public ErrorFlyweight encode(final int code, final String message)
    {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_ERROR_MESSAGE_LENGTH)
        {
            int end = MAX_ERROR_MESSAGE_LENGTH;
            while (end > 0 && (bytes[end] & 0xC0) == 0x80)
            {
                end--;
            }
            bytes = java.util.Arrays.copyOf(bytes, end);
        }
        header(MESSAGE_OFFSET + bytes.length, TYPE_ERROR);
        buffer.putInt(offset + CODE_OFFSET, code, LITTLE_ENDIAN);
        buffer.putInt(offset + MESSAGE_LENGTH_OFFSET, bytes.length, LITTLE_ENDIAN);
        buffer.putBytes(offset + MESSAGE_OFFSET, bytes);
        return this;
    }

    /**
     * Check the header and the message length.
     *
     * @return this for a fluent API.
     */
    public ErrorFlyweight validate()
    {
        checkHeader(TYPE_ERROR, -1);
        checkMinLength(MESSAGE_OFFSET);
        final int length = messageLength();
        if (length < 0 || length > MAX_ERROR_MESSAGE_LENGTH || frameLength() != MESSAGE_OFFSET + length)
        {
            throw new LayoutException("bad ERROR frame: length=" + frameLength() + " messageLength=" + length);
        }
        return this;
    }

    /** @return the error code. */
    public int code()
    {
        return buffer.getInt(offset + CODE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return length of the message in bytes. */
    public int messageLength()
    {
        return buffer.getInt(offset + MESSAGE_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the message. */
    public String message()
    {
        final byte[] bytes = new byte[messageLength()];
        buffer.getBytes(offset + MESSAGE_OFFSET, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
