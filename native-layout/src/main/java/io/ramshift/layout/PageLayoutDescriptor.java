package io.ramshift.layout;

/**
 * Layout of the page layout file written next to a generated image: one byte per page, saying what the generator
 * put there and whether the free-page bitmap marks it free.
 * <p>
 * There is no header; byte {@code i} describes page {@code i}, so the file is exactly {@code pages} bytes long.
 * Bits 3 to 6 are reserved and written as zero.
 * <pre>
 *    7   6   5   4   3   2   1   0
 *  +---+---------------+-----------+
 *  | F |   reserved    |   Kind    |
 *  +---+---------------+-----------+
 *  Kind: 0 zero, 1 free-dirty, 2 compressible, 3 random, 4 duplicate
 *  F:    1 when the page is marked free in the free-page bitmap
 * </pre>
 */
public final class PageLayoutDescriptor
{
    /** Bytes per page entry. */
    public static final int ENTRY_LENGTH = 1;

    /** Mask of the kind bits. */
    public static final int KIND_MASK = 0x07;

    /** Flag bit: the page is marked free in the free-page bitmap. */
    public static final int FREE_FLAG = 0x80;

    /** Mask of the reserved bits, zero in every valid entry. */
    public static final int RESERVED_MASK = 0x78;

    /** Kind: every byte of the page is zero. */
    public static final int KIND_ZERO = 0;

    /** Kind: random garbage in a page the guest reported free. */
    public static final int KIND_FREE_DIRTY = 1;

    /** Kind: in-use data that LZ4 compresses (text lines, kernel-like structs, small-integer arrays). */
    public static final int KIND_COMPRESSIBLE = 2;

    /** Kind: in-use data that does not compress. */
    public static final int KIND_RANDOM = 3;

    /** Kind: byte-identical copy of a compressible or random page elsewhere in the image. */
    public static final int KIND_DUPLICATE = 4;

    /** Number of kinds. */
    public static final int KIND_COUNT = 5;

    private static final String[] KIND_NAMES = { "zero", "free-dirty", "compressible", "random", "duplicate" };

    private PageLayoutDescriptor()
    {
    }

    /**
     * Encode one entry.
     *
     * @param kind one of the {@code KIND_*} values.
     * @param free true when the page is marked free in the bitmap.
     * @return the entry byte.
     */
    public static byte entry(final int kind, final boolean free)
    {
        return (byte)((kind & KIND_MASK) | (free ? FREE_FLAG : 0));
    }

    /**
     * @param entry a layout byte.
     * @return its kind.
     */
    public static int kind(final byte entry)
    {
        return entry & KIND_MASK;
    }

    /**
     * @param entry a layout byte.
     * @return true when the page is marked free in the bitmap.
     */
    public static boolean isFree(final byte entry)
    {
        return (entry & FREE_FLAG) != 0;
    }

    /**
     * Check one entry: kind known, reserved bits clear.
     *
     * @param page  index of the page, for the message.
     * @param entry its layout byte.
     * @throws LayoutException naming the page and the byte.
     */
    public static void checkEntry(final long page, final byte entry)
    {
        if ((entry & RESERVED_MASK) != 0 || kind(entry) >= KIND_COUNT)
        {
            throw new LayoutException("bad page layout entry: page=" + page + " entry=0x" +
                Integer.toHexString(entry & 0xFF));
        }
    }

    /**
     * Exact length in bytes of the layout for a page count.
     *
     * @param pageCount pages of the image.
     * @return {@code pageCount} bytes.
     */
    public static long lengthForPages(final long pageCount)
    {
        return pageCount * ENTRY_LENGTH;
    }

    /**
     * Check a layout length against the image it describes.
     *
     * @param length    of the layout in bytes.
     * @param pageCount pages of the image.
     * @throws LayoutException naming both lengths when they differ.
     */
    public static void checkLength(final long length, final long pageCount)
    {
        if (length != lengthForPages(pageCount))
        {
            throw new LayoutException("page layout has wrong length: length=" + length + " expected=" +
                lengthForPages(pageCount) + " pages=" + pageCount + " (one byte per page)");
        }
    }

    /**
     * @param kind one of the {@code KIND_*} values.
     * @return its name as the command line and reports spell it, e.g. {@code "free-dirty"}.
     */
    public static String kindName(final int kind)
    {
        return kind >= 0 && kind < KIND_COUNT ? KIND_NAMES[kind] : "unknown(" + kind + ")";
    }
}
