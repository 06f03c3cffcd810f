package io.ramshift.layout;

import static org.agrona.BitUtil.*;

/**
 * HELLO: the sender opens a session and describes the image (64 bytes).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Frame Header (8 bytes, type 1)                |
 *  +---------------------------------------------------------------+
 *  |                    Magic "RAMSHIFT" (u64)                     |
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |      Protocol Version (u16)   |      Stream Index (u16)       |
 *  +-------------------------------+-------------------------------+
 *  |                        Page Size (u32)                        |
 *  +---------------------------------------------------------------+
 *  |                   Image Size in bytes (u64)                   |
 *  +---------------------------------------------------------------+
 *  |                       Page Count (u64)                        |
 *  +---------------------------------------------------------------+
 *  |                      Option Bits (u64)                        |
 *  +---------------------------------------------------------------+
 *  |                       Session Id (u64)                        |
 *  +---------------------------------------------------------------+
 *  |                   Max Frame Length (u32)                      |
 *  +---------------------------------------------------------------+
 *  |      Stream Count (u16)       |         Reserved (u16)        |
 *  +---------------------------------------------------------------+
 * </pre>
 * A session of N streams opens N connections, each with a HELLO of the same session id, image and options,
 * stream index 0..N-1 and stream count N.
 */
public final class HelloDescriptor
{
    /** Offset of the magic. */
    public static final int MAGIC_OFFSET;
    /** Offset of the protocol version. */
    public static final int VERSION_OFFSET;
    /** Offset of the stream index. */
    public static final int STREAM_INDEX_OFFSET;
    /** Offset of the page size. */
    public static final int PAGE_SIZE_OFFSET;
    /** Offset of the image size. */
    public static final int IMAGE_SIZE_OFFSET;
    /** Offset of the page count. */
    public static final int PAGE_COUNT_OFFSET;
    /** Offset of the option bits. */
    public static final int OPTIONS_OFFSET;
    /** Offset of the session id. */
    public static final int SESSION_ID_OFFSET;
    /** Offset of the largest frame the sender will send. */
    public static final int MAX_FRAME_LENGTH_OFFSET;
    /** Offset of the stream count. */
    public static final int STREAM_COUNT_OFFSET;
    /** Length of the frame. */
    public static final int LENGTH;

    static
    {
        MAGIC_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;
        STREAM_INDEX_OFFSET = VERSION_OFFSET + SIZE_OF_SHORT;
        PAGE_SIZE_OFFSET = STREAM_INDEX_OFFSET + SIZE_OF_SHORT;
        IMAGE_SIZE_OFFSET = PAGE_SIZE_OFFSET + SIZE_OF_INT;
        PAGE_COUNT_OFFSET = IMAGE_SIZE_OFFSET + SIZE_OF_LONG;
        OPTIONS_OFFSET = PAGE_COUNT_OFFSET + SIZE_OF_LONG;
        SESSION_ID_OFFSET = OPTIONS_OFFSET + SIZE_OF_LONG;
        MAX_FRAME_LENGTH_OFFSET = SESSION_ID_OFFSET + SIZE_OF_LONG;
        STREAM_COUNT_OFFSET = MAX_FRAME_LENGTH_OFFSET + SIZE_OF_INT;
        LENGTH = STREAM_COUNT_OFFSET + SIZE_OF_SHORT + SIZE_OF_SHORT;
    }

    private HelloDescriptor()
    {
    }
}
