package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * END: the sender has sent every run; totals and the digest of the transferred image (48 bytes).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Frame Header (8 bytes, type 4)                |
 *  +---------------------------------------------------------------+
 *  |                  Batch Count (u64): batches sent              |
 *  +---------------------------------------------------------------+
 *  |                       Zero Pages (u64)                        |
 *  +---------------------------------------------------------------+
 *  |                       Data Pages (u64)                        |
 *  +---------------------------------------------------------------+
 *  |                        Run Count (u64)                        |
 *  +---------------------------------------------------------------+
 *  |                     Image Digest (u64)                        |
 *  +---------------------------------------------------------------+
 * </pre>
 * The image digest is the sum, modulo 2^64, over every page sent (zero and data) of
 * {@code mix(page, xxh3(page bytes))}; see the README ("Image digest").
 */
public final class EndDescriptor
{
    /** Offset of the batch count. */
    public static final int BATCH_COUNT_OFFSET;
    /** Offset of the zero page count. */
    public static final int ZERO_PAGES_OFFSET;
    /** Offset of the data page count. */
    public static final int DATA_PAGES_OFFSET;
    /** Offset of the run count. */
    public static final int RUN_COUNT_OFFSET;
    /** Offset of the image digest. */
    public static final int DIGEST_OFFSET;
    /** Length of the frame. */
    public static final int LENGTH;

    static
    {
        BATCH_COUNT_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        ZERO_PAGES_OFFSET = BATCH_COUNT_OFFSET + SIZE_OF_LONG;
        DATA_PAGES_OFFSET = ZERO_PAGES_OFFSET + SIZE_OF_LONG;
        RUN_COUNT_OFFSET = DATA_PAGES_OFFSET + SIZE_OF_LONG;
        DIGEST_OFFSET = RUN_COUNT_OFFSET + SIZE_OF_LONG;
        LENGTH = DIGEST_OFFSET + SIZE_OF_LONG;
    }

    private EndDescriptor()
    {
    }
}
