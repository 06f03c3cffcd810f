package io.ramshift.layout;

import static io.ramshift.layout.HelloAckDescriptor.*;
import static io.ramshift.layout.ProtocolDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the HELLO_ACK frame (see {@link HelloAckDescriptor}).
 */
public final class HelloAckFlyweight extends FrameFlyweight
{
    /**
     * Write a complete HELLO_ACK.
     *
     * @param destinationState {@link HelloAckDescriptor#DESTINATION_CREATED} or {@code DESTINATION_EXISTING}.
     * @param sessionId        echoed from HELLO.
     * @return this for a fluent API.
     */
    public HelloAckFlyweight encode(final int destinationState, final long sessionId)
    {
        header(LENGTH, TYPE_HELLO_ACK);
        buffer.putLong(offset + MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        buffer.putShort(offset + VERSION_OFFSET, (short)VERSION, LITTLE_ENDIAN);
        buffer.putShort(offset + DESTINATION_STATE_OFFSET, (short)destinationState, LITTLE_ENDIAN);
        buffer.putInt(offset + DESTINATION_STATE_OFFSET + 2, 0, LITTLE_ENDIAN);
        buffer.putLong(offset + SESSION_ID_OFFSET, sessionId, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check magic, version and state.
     *
     * @param expectedSessionId the session id sent in HELLO.
     * @return this for a fluent API.
     */
    public HelloAckFlyweight validate(final long expectedSessionId)
    {
        checkHeader(TYPE_HELLO_ACK, LENGTH);
        final long magic = buffer.getLong(offset + MAGIC_OFFSET, LITTLE_ENDIAN);
        if (magic != MAGIC)
        {
            throw new LayoutException("bad magic in HELLO_ACK: 0x" + Long.toHexString(magic));
        }
        final int version = buffer.getShort(offset + VERSION_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        if (version != VERSION)
        {
            throw new LayoutException("unsupported protocol version in HELLO_ACK: version=" + version);
        }
        final int state = destinationState();
        if (state != DESTINATION_CREATED && state != DESTINATION_EXISTING)
        {
            throw new LayoutException("bad destination state in HELLO_ACK: state=" + state);
        }
        if (sessionId() != expectedSessionId)
        {
            throw new LayoutException("HELLO_ACK for another session: sessionId=" + sessionId() +
                " expected=" + expectedSessionId);
        }
        return this;
    }

    /** @return how the receiver holds the destination. */
    public int destinationState()
    {
        return buffer.getShort(offset + DESTINATION_STATE_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return the echoed session id. */
    public long sessionId()
    {
        return buffer.getLong(offset + SESSION_ID_OFFSET, LITTLE_ENDIAN);
    }
}
