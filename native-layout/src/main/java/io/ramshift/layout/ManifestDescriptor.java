package io.ramshift.layout;

import static org.agrona.BitUtil.*;

/**
 * Page-hash manifest file v2: a 64-byte header, one u64 xxh3 hash per page in page order, then a u64 checksum of
 * the page hashes.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    Magic "RSMANIFT" (u64)                     |
 *  |                                                               |
 *  +-------------------------------+-------------------------------+
 *  |          Version (u16): 2     |   Hash Algorithm (u16): 1     |
 *  +-------------------------------+-------------------------------+
 *  |                        Page Size (u32)                        |
 *  +---------------------------------------------------------------+
 *  |                    Image Size in bytes (u64)                  |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Page Count (u64)                       |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |    Image Mtime (u64): image's modification time in ns         |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |    Image Ctime (u64): image's inode change time in ns         |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |    Image Inode (u64): image's inode number                    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |    Header Checksum (u64): xxh3 of bytes 0..55                 |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              Page Hash 0 (u64) ... Page Hash (n-1)           ...
 *  +---------------------------------------------------------------+
 *  |    Hashes Checksum (u64): xxh3 of the n page hashes' bytes    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * Hash algorithm 1 = xxh3-64 (Zero-Allocation-Hashing {@code LongHashFunction.xx3()}) of the page's bytes. The
 * mtime, ctime and inode are the image file's, read when it was hashed (before hashing began).
 * File length = 64 + 8 x page count + 8, exactly.
 */
public final class ManifestDescriptor
{
    /** "RSMANIFT" in ASCII read as a little-endian u64. */
    public static final long MAGIC = 0x5446494E414D5352L;
    /** Current version; another is refused. */
    public static final int VERSION = 2;
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
    /** Offset of the image's modification time in ns. */
    public static final int IMAGE_MTIME_OFFSET;
    /** Offset of the image's inode change time in ns. */
    public static final int IMAGE_CTIME_OFFSET;
    /** Offset of the image's inode number. */
    public static final int IMAGE_INODE_OFFSET;
    /** Offset of the header checksum. */
    public static final int CHECKSUM_OFFSET;
    /** Length of the header; page hashes start here. */
    public static final int HEADER_LENGTH;
    /** Bytes per page hash. */
    public static final int ENTRY_LENGTH = SIZE_OF_LONG;
    /** Bytes of the trailer: the checksum of the page hashes. */
    public static final int TRAILER_LENGTH = SIZE_OF_LONG;

    static
    {
        MAGIC_OFFSET = 0;
        VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;
        HASH_ALGORITHM_OFFSET = VERSION_OFFSET + SIZE_OF_SHORT;
        PAGE_SIZE_OFFSET = HASH_ALGORITHM_OFFSET + SIZE_OF_SHORT;
        IMAGE_SIZE_OFFSET = PAGE_SIZE_OFFSET + SIZE_OF_INT;
        PAGE_COUNT_OFFSET = IMAGE_SIZE_OFFSET + SIZE_OF_LONG;
        IMAGE_MTIME_OFFSET = PAGE_COUNT_OFFSET + SIZE_OF_LONG;
        IMAGE_CTIME_OFFSET = IMAGE_MTIME_OFFSET + SIZE_OF_LONG;
        IMAGE_INODE_OFFSET = IMAGE_CTIME_OFFSET + SIZE_OF_LONG;
        CHECKSUM_OFFSET = IMAGE_INODE_OFFSET + SIZE_OF_LONG;
        HEADER_LENGTH = CHECKSUM_OFFSET + SIZE_OF_LONG;
    }

    private ManifestDescriptor()
    {
    }

    /**
     * @param pageCount pages of the image.
     * @return exact length of its manifest file, trailer included.
     */
    public static long lengthForPages(final long pageCount)
    {
        return trailerOffset(pageCount) + TRAILER_LENGTH;
    }

    /**
     * @param page index of the page.
     * @return offset of its hash in the file.
     */
    public static long entryOffset(final long page)
    {
        return HEADER_LENGTH + page * ENTRY_LENGTH;
    }

    /**
     * @param pageCount pages of the image.
     * @return offset of the hashes checksum, just after the last page hash.
     */
    public static long trailerOffset(final long pageCount)
    {
        return entryOffset(pageCount);
    }
}
