package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

/**
 * The header that starts every frame of the wire protocol.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Frame Length (u32, LE)                       |
 *  +-------------------------------+-------------------------------+
 *  |          Type (u16)           |          Flags (u16)          |
 *  +-------------------------------+-------------------------------+
 *  |                     Type-specific body                       ...
 * </pre>
 * Frame length counts every byte of the frame, this header included; frames follow each other unpadded.
 */
public final class FrameHeaderDescriptor
{
    /** Offset of the frame length. */
    public static final int FRAME_LENGTH_OFFSET;
    /** Offset of the frame type. */
    public static final int TYPE_OFFSET;
    /** Offset of the flags (zero in v1). */
    public static final int FLAGS_OFFSET;
    /** Length of the header. */
    public static final int HEADER_LENGTH;

    static
    {
        FRAME_LENGTH_OFFSET = 0;
        TYPE_OFFSET = FRAME_LENGTH_OFFSET + SIZE_OF_INT;
        FLAGS_OFFSET = TYPE_OFFSET + SIZE_OF_SHORT;
        HEADER_LENGTH = FLAGS_OFFSET + SIZE_OF_SHORT;
    }

    private FrameHeaderDescriptor()
    {
    }
}
