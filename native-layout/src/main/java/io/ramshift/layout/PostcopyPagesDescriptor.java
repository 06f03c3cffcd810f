package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * POSTCOPY_PAGES (type 15, sender → receiver): pages after the switch, pushed on the bulk connection or answering
 * a demand on the priority connection; 16 bytes, 16 per entry, then 4096 bytes per DATA entry.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                Frame Header (8 bytes, type 15)                |
 *  +-------------------------------+-------------------------------+
 *  |  Origin (u32): 1 push 2 demand| Entry Count (u32) 1..256      |
 *  +-------------------------------+-------------------------------+
 *  |  Entry i: Page (u64)                                          |
 *  +-------------------------------+-------------------------------+
 *  |  Entry i: Kind (u32) 1 ZERO   |  Entry i: Reserved (u32) = 0  |
 *  |           2 DATA              |                               |
 *  +-------------------------------+-------------------------------+
 *  |  ... entries, then the 4096 bytes of each DATA entry in entry order ...
 * </pre>
 * A demand reply carries the demanded page first, then prefetched neighbours.
 */
public final class PostcopyPagesDescriptor
{
    /** Offset of the origin. */
    public static final int ORIGIN_OFFSET;
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
        ENTRY_COUNT_OFFSET = ORIGIN_OFFSET + SIZE_OF_INT;
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
     * @return the frame length.
     */
    public static int frameLength(final int entries, final int dataPages, final int pageSize)
    {
        return ENTRIES_OFFSET + entries * ENTRY_LENGTH + dataPages * pageSize;
    }
}
