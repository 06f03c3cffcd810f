package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * POSTCOPY_ACK (type 17, receiver → sender on the priority connection): runs of pages applied since the last ACK;
 * 16 bytes plus 16 per run.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                Frame Header (8 bytes, type 17)                |
 *  +-------------------------------+-------------------------------+
 *  |    Run Count (u32) 1..4096    |       Reserved (u32) = 0      |
 *  +-------------------------------+-------------------------------+
 *  |  Run i: First Page (u64)                                      |
 *  +---------------------------------------------------------------+
 *  |  Run i: Page Count (u64) >= 1                                 |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class PostcopyAckDescriptor
{
    /** Offset of the run count. */
    public static final int RUN_COUNT_OFFSET;
    /** Offset of the reserved field. */
    public static final int RESERVED_OFFSET;
    /** Offset of the first run. */
    public static final int RUNS_OFFSET;
    /** Length of one run. */
    public static final int RUN_LENGTH = 2 * SIZE_OF_LONG;

    static
    {
        RUN_COUNT_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        RESERVED_OFFSET = RUN_COUNT_OFFSET + SIZE_OF_INT;
        RUNS_OFFSET = RESERVED_OFFSET + SIZE_OF_INT;
    }

    private PostcopyAckDescriptor()
    {
    }

    /**
     * @param runs runs carried.
     * @return the frame length.
     */
    public static int frameLength(final int runs)
    {
        return RUNS_OFFSET + runs * RUN_LENGTH;
    }
}
