package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * RESULT: the receiver's verdict, sent only after the destination is written, synced and its digest checked
 * (40 bytes).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Frame Header (8 bytes, type 5)                |
 *  +---------------------------------------------------------------+
 *  |           Status (u32): 0 VERIFIED, 1 DIGEST_MISMATCH         |
 *  +---------------------------------------------------------------+
 *  |                        Reserved (u32)                         |
 *  +---------------------------------------------------------------+
 *  |                 Pages Received (u64): zero + data             |
 *  +---------------------------------------------------------------+
 *  |           Digest of what the receiver wrote (u64)             |
 *  +---------------------------------------------------------------+
 *  |                Bytes written to the destination (u64)         |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ResultDescriptor
{
    /** Offset of the status. */
    public static final int STATUS_OFFSET;
    /** Offset of the pages received. */
    public static final int PAGES_OFFSET;
    /** Offset of the receiver's digest. */
    public static final int DIGEST_OFFSET;
    /** Offset of the bytes written. */
    public static final int BYTES_WRITTEN_OFFSET;
    /** Length of the frame. */
    public static final int LENGTH;

    static
    {
        STATUS_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        PAGES_OFFSET = STATUS_OFFSET + SIZE_OF_INT + SIZE_OF_INT;
        DIGEST_OFFSET = PAGES_OFFSET + SIZE_OF_LONG;
        BYTES_WRITTEN_OFFSET = DIGEST_OFFSET + SIZE_OF_LONG;
        LENGTH = BYTES_WRITTEN_OFFSET + SIZE_OF_LONG;
    }

    private ResultDescriptor()
    {
    }
}
