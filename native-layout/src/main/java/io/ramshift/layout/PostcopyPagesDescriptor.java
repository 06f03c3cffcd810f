package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_BYTE;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * POSTCOPY_PAGES (type 15, sender → receiver): pages after the switch, pushed on the bulk connection or answering
 * a demand on the priority connection; 16 bytes, 16 per entry, then the payload: the DATA entries' pages in entry
 * order, RAW (4096 bytes each) or as one LZ4 block that decodes to exactly DATA entries × 4096 bytes.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                Frame Header (8 bytes, type 15)                |
 *  +---------------+---------------+---------------+---------------+
 *  | Origin (u8)   | Version (u8)  | Encoding (u8) | Reserved (u8) |
 *  | 1 push        | = 1           | 1 RAW 2 LZ4   | = 0           |
 *  | 2 demand      |               |               |               |
 *  +---------------+---------------+-------------------------------+
 *  | Entry Count (u32) 1..256                                      |
 *  +---------------------------------------------------------------+
 *  |  Entry i: Page (u64)                                          |
 *  +-------------------------------+-------------------------------+
 *  |  Entry i: Kind (u32) 1 ZERO   |  Entry i: Reserved (u32) = 0  |
 *  |           2 DATA              |                               |
 *  +-------------------------------+-------------------------------+
 *  |  ... entries, then the payload: RAW = 4096 bytes per DATA entry in entry order; LZ4 = one block of
 *  |  1..(DATA entries × 4096 − 1) bytes (the rest of the frame) that decodes to DATA entries × 4096 bytes ...
 * </pre>
 * A demand reply carries the demanded page first, then prefetched neighbours. ZERO entries carry no payload. The
 * first layout of this frame (before the version byte) had a u32 origin: it reads as version 0 and is refused.
 */
public final class PostcopyPagesDescriptor
{
    /** Layout version of this frame. */
    public static final int VERSION = 1;
    /** Offset of the origin (u8). */
    public static final int ORIGIN_OFFSET;
    /** Offset of the layout version (u8). */
    public static final int VERSION_OFFSET;
    /** Offset of the payload encoding (u8). */
    public static final int ENCODING_OFFSET;
    /** Offset of the reserved byte. */
    public static final int RESERVED_OFFSET;
    /** Offset of the entry count. */
    public static final int ENTRY_COUNT_OFFSET;
    /** Offset of the first entry. */
    public static final int ENTRIES_OFFSET;
    /** Offset of an entry's page, from the entry. */
    public static final int ENTRY_PAGE_OFFSET;
    /** Offset of an entry's kind, from the entry. */
    public static final int ENTRY_KIND_OFFSET;
    /** Offset of an entry's reserved field, from the entry. */
    public static final int ENTRY_RESERVED_OFFSET;
    /** Length of one entry. */
    public static final int ENTRY_LENGTH;

    static
    {
        ORIGIN_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        VERSION_OFFSET = ORIGIN_OFFSET + SIZE_OF_BYTE;
        ENCODING_OFFSET = VERSION_OFFSET + SIZE_OF_BYTE;
        RESERVED_OFFSET = ENCODING_OFFSET + SIZE_OF_BYTE;
        ENTRY_COUNT_OFFSET = RESERVED_OFFSET + SIZE_OF_BYTE;
        ENTRIES_OFFSET = ENTRY_COUNT_OFFSET + SIZE_OF_INT;
        ENTRY_PAGE_OFFSET = 0;
        ENTRY_KIND_OFFSET = ENTRY_PAGE_OFFSET + SIZE_OF_LONG;
        ENTRY_RESERVED_OFFSET = ENTRY_KIND_OFFSET + SIZE_OF_INT;
        ENTRY_LENGTH = ENTRY_RESERVED_OFFSET + SIZE_OF_INT;
    }

    private PostcopyPagesDescriptor()
    {
    }

    /**
     * @param entries   entries carried.
     * @param dataPages DATA entries among them.
     * @param pageSize  bytes per page.
     * @return the frame length of a RAW frame.
     */
    public static int frameLength(final int entries, final int dataPages, final int pageSize)
    {
        return ENTRIES_OFFSET + entries * ENTRY_LENGTH + dataPages * pageSize;
    }

    /**
     * @param entries       entries carried.
     * @param payloadLength bytes of the LZ4 block.
     * @return the frame length of an LZ4 frame.
     */
    public static int lz4FrameLength(final int entries, final int payloadLength)
    {
        return ENTRIES_OFFSET + entries * ENTRY_LENGTH + payloadLength;
    }
}
