package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * POSTCOPY_DEMAND (type 16, receiver → sender on the priority connection): a reader waits for a page (16 bytes).
 * POSTCOPY_DONE (type 19, sender → receiver on the priority connection) has the same layout, its u64 being the
 * pages acknowledged: every page of the switch.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |             Frame Header (8 bytes, type 16 or 19)             |
 *  +---------------------------------------------------------------+
 *  |        Page (u64): demanded page / pages acknowledged         |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class PostcopyDemandDescriptor
{
    /** Offset of the page (DEMAND) or of the pages acknowledged (DONE). */
    public static final int VALUE_OFFSET;
    /** Length of the frame. */
    public static final int LENGTH;

    static
    {
        VALUE_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        LENGTH = VALUE_OFFSET + SIZE_OF_LONG;
    }

    private PostcopyDemandDescriptor()
    {
    }
}
