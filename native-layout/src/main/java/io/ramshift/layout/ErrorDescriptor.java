package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;

/**
 * ERROR: either side gives up with a code and a one-line UTF-8 reason (16 + message bytes, message at most
 * {@link ProtocolDescriptor#MAX_ERROR_MESSAGE_LENGTH}).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Frame Header (8 bytes, type 6)                |
 *  +---------------------------------------------------------------+
 *  |                  Error Code (u32), ERROR_* codes              |
 *  +---------------------------------------------------------------+
 *  |                     Message Length (u32)                      |
 *  +---------------------------------------------------------------+
 *  |                     Message (UTF-8)                          ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ErrorDescriptor
{
    /** Offset of the error code. */
    public static final int CODE_OFFSET;
    /** Offset of the message length. */
    public static final int MESSAGE_LENGTH_OFFSET;
    /** Offset of the message. */
    public static final int MESSAGE_OFFSET;

    static
    {
        CODE_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        MESSAGE_LENGTH_OFFSET = CODE_OFFSET + SIZE_OF_INT;
        MESSAGE_OFFSET = MESSAGE_LENGTH_OFFSET + SIZE_OF_INT;
    }

    private ErrorDescriptor()
    {
    }
}
