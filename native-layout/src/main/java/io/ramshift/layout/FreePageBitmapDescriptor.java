package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * Layout of the free-page bitmap file: one bit per page, set = the guest reported the page free.
 * <p>
 * There is no header. Bits are packed into little-endian unsigned 64-bit words; page {@code i} is bit
 * {@code i % 64} of word {@code i / 64}. The file is exactly {@code ceil(pages / 64) * 8} bytes long; any other
 * length is an error. Bits past the last page in the final word are ignored on read and written as zero.
 * <pre>
 *   byte 0                   8                  16
 *   +-------------------------+-------------------------+---
 *   | word 0: pages 0..63     | word 1: pages 64..127   | ...
 *   | bit 0 = page 0 (LSB)    | bit 0 = page 64         |
 *   +-------------------------+-------------------------+---
 * </pre>
 */
public final class FreePageBitmapDescriptor
{
    /** Bytes in one bitmap word. */
    public static final int WORD_LENGTH = SIZE_OF_LONG;

    /** Pages covered by one bitmap word. */
    public static final int PAGES_PER_WORD = 64;

    /** Shift from page index to word index. */
    public static final int PAGE_TO_WORD_SHIFT = 6;

    private FreePageBitmapDescriptor()
    {
    }

    /**
     * Number of words needed for a page count.
     *
     * @param pageCount pages of the image.
     * @return {@code ceil(pageCount / 64)}.
     */
    public static long wordCount(final long pageCount)
    {
        return (pageCount + PAGES_PER_WORD - 1) >>> PAGE_TO_WORD_SHIFT;
    }

    /**
     * Exact length in bytes of the bitmap for a page count.
     *
     * @param pageCount pages of the image.
     * @return {@code ceil(pageCount / 64) * 8}.
     */
    public static long lengthForPages(final long pageCount)
    {
        return wordCount(pageCount) * WORD_LENGTH;
    }

    /**
     * Byte offset of the word that holds a page's bit.
     *
     * @param page index of the page.
     * @return offset of its word in the bitmap.
     */
    public static long wordOffset(final long page)
    {
        return (page >>> PAGE_TO_WORD_SHIFT) * WORD_LENGTH;
    }

    /**
     * Mask of the page's bit inside its word.
     *
     * @param page index of the page.
     * @return {@code 1L << (page % 64)}.
     */
    public static long bitMask(final long page)
    {
        return 1L << (page & (PAGES_PER_WORD - 1));
    }

    /**
     * Check a bitmap length against the image it describes.
     *
     * @param length    of the bitmap in bytes.
     * @param pageCount pages of the image.
     * @throws LayoutException naming both lengths when they differ.
     */
    public static void checkLength(final long length, final long pageCount)
    {
        final long expected = lengthForPages(pageCount);
        if (length != expected)
        {
            throw new LayoutException(
                "free-page bitmap has wrong length: length=" + length + " expected=" + expected +
                " pages=" + pageCount + " (ceil(pages/64)*8 bytes)");
        }
    }

    /**
     * Mask of the valid bits of the last word: bits past the last page are ignored.
     *
     * @param pageCount pages of the image.
     * @return mask with one bit per page held by the final word.
     */
    public static long lastWordMask(final long pageCount)
    {
        final int bits = (int)(pageCount & (PAGES_PER_WORD - 1));
        return bits == 0 ? -1L : (1L << bits) - 1;
    }
}
