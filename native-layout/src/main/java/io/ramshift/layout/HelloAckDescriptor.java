package io.ramshift.layout;

import static org.agrona.BitUtil.*;

/**
 * HELLO_ACK: the receiver accepts the session and says how it holds the destination (32 bytes).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Frame Header (8 bytes, type 2)                |
 *  +---------------------------------------------------------------+
 *  |                    Magic "RAMSHIFT" (u64)                     |
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |      Protocol Version (u16)   |       Destination State (u16) |
 *  +-------------------------------+-------------------------------+
 *  |                        Reserved (u32)                         |
 *  +---------------------------------------------------------------+
 *  |                 Session Id echoed (u64)                       |
 *  +---------------------------------------------------------------+
 * </pre>
 * Destination state: 1 = created new (sparse, all zero), 2 = existing file written in place.
 */
public final class HelloAckDescriptor
{
    /** Destination state: the receiver created the file; it reads as zeros everywhere. */
    public static final int DESTINATION_CREATED = 1;
    /** Destination state: an existing file of the image size, written in place. */
    public static final int DESTINATION_EXISTING = 2;

    /** Offset of the magic. */
    public static final int MAGIC_OFFSET;
    /** Offset of the protocol version. */
    public static final int VERSION_OFFSET;
    /** Offset of the destination state. */
    public static final int DESTINATION_STATE_OFFSET;
    /** Offset of the echoed session id. */
    public static final int SESSION_ID_OFFSET;
    /** Length of the frame. */
    public static final int LENGTH;

    static
    {
        MAGIC_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;
        DESTINATION_STATE_OFFSET = VERSION_OFFSET + SIZE_OF_SHORT;
        SESSION_ID_OFFSET = DESTINATION_STATE_OFFSET + SIZE_OF_SHORT + SIZE_OF_INT;
        LENGTH = SESSION_ID_OFFSET + SIZE_OF_LONG;
    }

    private HelloAckDescriptor()
    {
    }
}
