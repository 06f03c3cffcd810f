package io.ramshift.layout;

import static org.agrona.BitUtil.*;

/**
 * Page-hash manifest file: a 64-byte header, then one u64 xxh3 hash per page in page order.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    Magic "RSMANIFT" (u64)                     |
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |          Version (u16)        |   Hash Algorithm (u16): 1     |
 *  +-------------------------------+-------------------------------+
 *  |                        Page Size (u32)                        |
 *  +---------------------------------------------------------------+
 *  |                    Image Size in bytes (u64)                  |
 *  +---------------------------------------------------------------+
 *  |                        Page Count (u64)                       |
 *  +---------------------------------------------------------------+
 *  |     Image Stamp (u64): source mtime in ns when hashed, or 0   |
 *  +---------------------------------------------------------------+
 *  |                        Reserved (u64)                         |
 *  +---------------------------------------------------------------+
 *  |                        Reserved (u64)                         |
 *  +---------------------------------------------------------------+
 *  |     Header Checksum (u64): xxh3 of bytes 0..55                |
 *  +---------------------------------------------------------------+
 *  |              Page Hash 0 (u64) ... Page Hash (n-1)           ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Hash algorithm 1 = xxh3-64 (Zero-Allocation-Hashing {@code LongHashFunction.xx3()}) of the page's bytes.
 * File length = 64 + 8 x page count, exactly.
 */
public final class ManifestDescriptor
{
    /** "RSMANIFT" in ASCII read as a little-endian u64. */
    public static final long MAGIC = 0x5446494E414D5352L;
    /** Current version; another is refused. */
    public static final int VERSION = 1;
    /** Hash algorithm: xxh3-64 of the page bytes. */
    public static final int HASH_XXH3 = 1;

    /** Offset of the magic. */
    public static final int MAGIC_OFFSET;
    /** Offset of the version. */
    public static final int VERSION_OFFSET;
    /** Offset of the hash algorithm. */
    public static final int HASH_ALGORITHM_OFFSET;
    /** Offset of the page size. */
    public static final int PAGE_SIZE_OFFSET;
    /** Offset of the image size. */
    public static final int IMAGE_SIZE_OFFSET;
    /** Offset of the page count. */
    public static final int PAGE_COUNT_OFFSET;
    /** Offset of the image stamp. */
    public static final int STAMP_OFFSET;
    /** Offset of the header checksum. */
    public static final int CHECKSUM_OFFSET;
    /** Length of the header; page hashes start here. */
    public static final int HEADER_LENGTH;
    /** Bytes per page hash. */
    public static final int ENTRY_LENGTH = SIZE_OF_LONG;

    static
    {
        MAGIC_OFFSET = 0;
        VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;
        HASH_ALGORITHM_OFFSET = VERSION_OFFSET + SIZE_OF_SHORT;
        PAGE_SIZE_OFFSET = HASH_ALGORITHM_OFFSET + SIZE_OF_SHORT;
        IMAGE_SIZE_OFFSET = PAGE_SIZE_OFFSET + SIZE_OF_INT;
        PAGE_COUNT_OFFSET = IMAGE_SIZE_OFFSET + SIZE_OF_LONG;
        STAMP_OFFSET = PAGE_COUNT_OFFSET + SIZE_OF_LONG;
        CHECKSUM_OFFSET = STAMP_OFFSET + SIZE_OF_LONG + SIZE_OF_LONG + SIZE_OF_LONG;
        HEADER_LENGTH = CHECKSUM_OFFSET + SIZE_OF_LONG;
    }

    private ManifestDescriptor()
    {
    }

    /**
     * @param pageCount pages of the image.
     * @return exact length of its manifest file.
     */
    public static long lengthForPages(final long pageCount)
    {
        return HEADER_LENGTH + pageCount * ENTRY_LENGTH;
    }

    /**
     * @param page index of the page.
     * @return offset of its hash in the file.
     */
    public static long entryOffset(final long page)
    {
        return HEADER_LENGTH + page * ENTRY_LENGTH;
    }
}
