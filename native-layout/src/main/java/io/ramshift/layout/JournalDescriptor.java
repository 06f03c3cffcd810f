package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

/**
 * Transfer journal {@code DEST.rsjournal}, version 2: written (and synced) by a receiver before the first page of
 * a session touches its destination, deleted only after the destination verified; a journal that is still there
 * marks the destination as incomplete (an interrupted transfer). Its bitmap records the pages that are written
 * <em>and</em> fsynced, so a later session of the same source sends only the others.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    Magic "RSJOURNL" (u64)                     |
 *  +-------------------------------+-------------------------------+
 *  |          Version (u16): 2     |        Reserved (u16, 0)      |
 *  +-------------------------------+-------------------------------+
 *  |                        Page Size (u32)                        |
 *  +---------------------------------------------------------------+
 *  |                    Image Size in bytes (u64)                  |
 *  +---------------------------------------------------------------+
 *  |                        Page Count (u64)                       |
 *  +---------------------------------------------------------------+
 *  |                Session Id of the latest attempt (u64)         |
 *  +---------------------------------------------------------------+
 *  |          Started (u64): epoch ns of the latest attempt        |
 *  +---------------------------------------------------------------+
 *  |   Attempts (u64): sessions begun since the last verified one  |
 *  +---------------------------------------------------------------+
 *  |    Source Identity (u64): the sender's, 0 = nothing durable   |
 *  +---------------------------------------------------------------+
 *  |                        Reserved (u64, 0)                      |
 *  +---------------------------------------------------------------+
 *  |            Checksum (u64): xxh3 of bytes 0..71                |
 *  +---------------------------------------------------------------+
 *  |  Durable Bitmap (u64 x ceil(pages/64)): bit b of word w set = |
 *  |  page 64*w + b is written and fsynced in the destination      |
 *  |                             ...                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian; {@code 80 + 8 * ceil(pages/64)} bytes exactly. The header is written once per session (write to a
 * temporary file, fsync, rename); the bitmap is updated in place, bits only ever set within a session and only
 * after the data they stand for was fsynced, so any mixture of older and newer words on disk is truthful.
 */
public final class JournalDescriptor
{
    /** "RSJOURNL" in ASCII read as a little-endian u64. */
    public static final long MAGIC = 0x4C4E52554F4A5352L;
    /** Current version; another is refused. */
    public static final int VERSION = 2;
    /** Suffix of the journal next to its destination. */
    public static final String SUFFIX = ".rsjournal";

    /** Offset of the magic. */
    public static final int MAGIC_OFFSET;
    /** Offset of the version. */
    public static final int VERSION_OFFSET;
    /** Offset of the page size. */
    public static final int PAGE_SIZE_OFFSET;
    /** Offset of the image size. */
    public static final int IMAGE_SIZE_OFFSET;
    /** Offset of the page count. */
    public static final int PAGE_COUNT_OFFSET;
    /** Offset of the session id. */
    public static final int SESSION_ID_OFFSET;
    /** Offset of the start time. */
    public static final int STARTED_OFFSET;
    /** Offset of the attempt count. */
    public static final int ATTEMPTS_OFFSET;
    /** Offset of the source identity. */
    public static final int IDENTITY_OFFSET;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET;
    /** Length of the header; the bitmap follows. */
    public static final int HEADER_LENGTH;

    static
    {
        MAGIC_OFFSET = 0;
        VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;
        PAGE_SIZE_OFFSET = VERSION_OFFSET + SIZE_OF_SHORT + SIZE_OF_SHORT;
        IMAGE_SIZE_OFFSET = PAGE_SIZE_OFFSET + SIZE_OF_INT;
        PAGE_COUNT_OFFSET = IMAGE_SIZE_OFFSET + SIZE_OF_LONG;
        SESSION_ID_OFFSET = PAGE_COUNT_OFFSET + SIZE_OF_LONG;
        STARTED_OFFSET = SESSION_ID_OFFSET + SIZE_OF_LONG;
        ATTEMPTS_OFFSET = STARTED_OFFSET + SIZE_OF_LONG;
        IDENTITY_OFFSET = ATTEMPTS_OFFSET + SIZE_OF_LONG;
        CHECKSUM_OFFSET = IDENTITY_OFFSET + SIZE_OF_LONG + SIZE_OF_LONG;
        HEADER_LENGTH = CHECKSUM_OFFSET + SIZE_OF_LONG;
    }

    private JournalDescriptor()
    {
    }

    /**
     * @param page a page.
     * @return offset of the bitmap word holding that page.
     */
    public static long wordOffset(final long page)
    {
        return HEADER_LENGTH + (page >>> 6) * SIZE_OF_LONG;
    }

    /**
     * @param pageCount pages of the image.
     * @return bytes of a journal of an image of that many pages.
     */
    public static long lengthFor(final long pageCount)
    {
        return HEADER_LENGTH + ((pageCount + 63) >>> 6) * SIZE_OF_LONG;
    }
}
