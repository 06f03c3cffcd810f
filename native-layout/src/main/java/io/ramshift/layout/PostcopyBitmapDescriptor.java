package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * POSTCOPY_PENDING (type 14, sender → receiver at the switch) and POSTCOPY_MISSING (type 18, receiver → sender on
 * a resume): one chunk of a page bitmap, 32 bytes plus 8 per word.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |            Frame Header (8 bytes, type 14 or 18)              |
 *  +---------------------------------------------------------------+
 *  |        First Page (u64): a multiple of 64, chunks in order     |
 *  +-------------------------------+-------------------------------+
 *  |     Word Count (u32) 1..65536 |  Last (u32): 1 on the last    |
 *  +-------------------------------+-------------------------------+
 *  |       Total Pages (u64): bits set in the whole bitmap         |
 *  +---------------------------------------------------------------+
 *  |   Words (u64 x count): bit i%64 of word i/64 is page first+i ...
 * </pre>
 * Bits past the image's last page are zero; the chunks cover the image from page 0 without gap, and the bits of
 * all chunks add up to Total Pages (checked by the reader at the last chunk).
 */
public final class PostcopyBitmapDescriptor
{
    /** Offset of the first page. */
    public static final int FIRST_PAGE_OFFSET;
    /** Offset of the word count. */
    public static final int WORD_COUNT_OFFSET;
    /** Offset of the last-chunk marker. */
    public static final int LAST_OFFSET;
    /** Offset of the total of set bits. */
    public static final int TOTAL_PAGES_OFFSET;
    /** Offset of the first word. */
    public static final int WORDS_OFFSET;

    static
    {
        FIRST_PAGE_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        WORD_COUNT_OFFSET = FIRST_PAGE_OFFSET + SIZE_OF_LONG;
        LAST_OFFSET = WORD_COUNT_OFFSET + SIZE_OF_INT;
        TOTAL_PAGES_OFFSET = LAST_OFFSET + SIZE_OF_INT;
        WORDS_OFFSET = TOTAL_PAGES_OFFSET + SIZE_OF_LONG;
    }

    private PostcopyBitmapDescriptor()
    {
    }

    /**
     * @param wordCount words carried.
     * @return the frame length.
     */
    public static int frameLength(final int wordCount)
    {
        return WORDS_OFFSET + wordCount * SIZE_OF_LONG;
    }
}
