package io.ramshift.layout;

import static org.agrona.BitUtil.*;

/**
 * Dirty log file: a header, then a bitmap of pages written since the previous log, so a hypervisor with dirty
 * logging (or any external writer) can tell ramshift which pages changed.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    Magic "RSDIRTY1" (u64)                     |
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |          Version (u16)        |         Reserved (u16)        |
 *  +-------------------------------+-------------------------------+
 *  |                        Page Size (u32)                        |
 *  +---------------------------------------------------------------+
 *  |                        Page Count (u64)                       |
 *  +---------------------------------------------------------------+
 *  |     Generation (u64): increases by one with every new log     |
 *  +---------------------------------------------------------------+
 *  |   Bitmap: ceil(pages / 64) little-endian u64 words, bit i % 64 |
 *  |   of word i / 64 set when page i was written (as the          |
 *  |   free-page bitmap)                                          ...
 *  +---------------------------------------------------------------+
 * </pre>
 * File length = 32 + ceil(pages / 64) x 8, exactly.
 */
public final class DirtyLogDescriptor
{
    /** "RSDIRTY1" in ASCII read as a little-endian u64. */
    public static final long MAGIC = 0x3159545249445352L;
    /** Current version; another is refused. */
    public static final int VERSION = 1;

    /** Offset of the magic. */
    public static final int MAGIC_OFFSET;
    /** Offset of the version. */
    public static final int VERSION_OFFSET;
    /** Offset of the page size. */
    public static final int PAGE_SIZE_OFFSET;
    /** Offset of the page count. */
    public static final int PAGE_COUNT_OFFSET;
    /** Offset of the generation. */
    public static final int GENERATION_OFFSET;
    /** Length of the header; the bitmap starts here. */
    public static final int HEADER_LENGTH;

    static
    {
        MAGIC_OFFSET = 0;
        VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;
        PAGE_SIZE_OFFSET = VERSION_OFFSET + SIZE_OF_SHORT + SIZE_OF_SHORT;
        PAGE_COUNT_OFFSET = PAGE_SIZE_OFFSET + SIZE_OF_INT;
        GENERATION_OFFSET = PAGE_COUNT_OFFSET + SIZE_OF_LONG;
        HEADER_LENGTH = GENERATION_OFFSET + SIZE_OF_LONG;
    }

    private DirtyLogDescriptor()
    {
    }

    /**
     * @param pageCount pages of the image.
     * @return exact length of a dirty log for it.
     */
    public static long lengthForPages(final long pageCount)
    {
        return HEADER_LENGTH + FreePageBitmapDescriptor.lengthForPages(pageCount);
    }
}
