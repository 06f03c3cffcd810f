package io.ramshift.layout;

import static org.agrona.BitUtil.*;

/**
 * RUN_BATCH: a batch of runs, their table, then the bytes of the data pages.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Frame Header (8 bytes, type 3)                |
 *  +---------------------------------------------------------------+
 *  |                        Run Count (u32)                        |
 *  +---------------+---------------+-------------------------------+
 *  | Encoding (u8) | Reserved (u8) |         Reserved (u16)        |
 *  +---------------+---------------+-------------------------------+
 *  |   Payload Length (u32): bytes after the table, as on the wire |
 *  +---------------------------------------------------------------+
 *  |   Raw Length (u32): data pages x page size, once decoded      |
 *  +---------------------------------------------------------------+
 *  |                   Batch Sequence (u64), from 0                |
 *  +---------------------------------------------------------------+
 *  |                 Run Entry 0 (24 bytes, see below)            ...
 *  |                 ... Run Entry (Run Count - 1)                ...
 *  +---------------------------------------------------------------+
 *  |  Payload: the data runs' pages in table order, RAW or LZ4    ...
 *  +---------------------------------------------------------------+
 *
 *  Run entry:
 *  +---------------------------------------------------------------+
 *  |                        First Page (u64)                       |
 *  +---------------------------------------------------------------+
 *  |                        Page Count (u32)                       |
 *  +-------------------------------+-------------------------------+
 *  | Kind (u16): 1 ZERO 2 DATA 3 DUP|        Reserved (u16)        |
 *  +-------------------------------+-------------------------------+
 *  |   Reference Page (u64): first source page of a DUP run, else 0 |
 *  +---------------------------------------------------------------+
 * </pre>
 * ZERO and DUP runs carry no payload bytes; a DUP run copies {@code count} pages the receiver already has,
 * starting at the reference page, to the run's first page. Frame length = BODY_LENGTH + runs x RUN_ENTRY_LENGTH + payload length.
 */
public final class RunBatchDescriptor
{
    /** Offset of the run count. */
    public static final int RUN_COUNT_OFFSET;
    /** Offset of the payload encoding. */
    public static final int ENCODING_OFFSET;
    /** Offset of the payload length. */
    public static final int PAYLOAD_LENGTH_OFFSET;
    /** Offset of the raw (decoded) length. */
    public static final int RAW_LENGTH_OFFSET;
    /** Offset of the batch sequence. */
    public static final int SEQUENCE_OFFSET;
    /** Length of the fixed part before the run table. */
    public static final int BODY_LENGTH;

    /** Offset of the first page in a run entry. */
    public static final int RUN_FIRST_PAGE_OFFSET;
    /** Offset of the page count in a run entry. */
    public static final int RUN_PAGE_COUNT_OFFSET;
    /** Offset of the kind in a run entry. */
    public static final int RUN_KIND_OFFSET;
    /** Offset of the reference page in a run entry. */
    public static final int RUN_REFERENCE_OFFSET;
    /** Length of a run entry. */
    public static final int RUN_ENTRY_LENGTH;

    static
    {
        RUN_COUNT_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        ENCODING_OFFSET = RUN_COUNT_OFFSET + SIZE_OF_INT;
        PAYLOAD_LENGTH_OFFSET = ENCODING_OFFSET + SIZE_OF_INT;
        RAW_LENGTH_OFFSET = PAYLOAD_LENGTH_OFFSET + SIZE_OF_INT;
        SEQUENCE_OFFSET = RAW_LENGTH_OFFSET + SIZE_OF_INT;
        BODY_LENGTH = SEQUENCE_OFFSET + SIZE_OF_LONG;

        RUN_FIRST_PAGE_OFFSET = 0;
        RUN_PAGE_COUNT_OFFSET = RUN_FIRST_PAGE_OFFSET + SIZE_OF_LONG;
        RUN_KIND_OFFSET = RUN_PAGE_COUNT_OFFSET + SIZE_OF_INT;
        RUN_REFERENCE_OFFSET = RUN_KIND_OFFSET + SIZE_OF_SHORT + SIZE_OF_SHORT;
        RUN_ENTRY_LENGTH = RUN_REFERENCE_OFFSET + SIZE_OF_LONG;
    }

    private RunBatchDescriptor()
    {
    }

    /**
     * Offset of run entry {@code index} from the start of the frame.
     *
     * @param index of the run entry.
     * @return its offset.
     */
    public static int runEntryOffset(final int index)
    {
        return BODY_LENGTH + index * RUN_ENTRY_LENGTH;
    }

    /**
     * Offset of the payload from the start of the frame.
     *
     * @param runCount runs in the table.
     * @return offset of the first payload byte.
     */
    public static int payloadOffset(final int runCount)
    {
        return BODY_LENGTH + runCount * RUN_ENTRY_LENGTH;
    }
}
