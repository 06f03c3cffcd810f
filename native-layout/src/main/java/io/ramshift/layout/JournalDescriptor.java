package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

/**
 * Transfer journal {@code DEST.rsjournal}: written (and synced) by a receiver before the first page of a session
 * touches its destination, deleted only after the destination verified; a journal that is still there marks the
 * destination as incomplete (an interrupted transfer), for people and for {@code inspect}/{@code verify}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    Magic "RSJOURNL" (u64)                     |
 *  +-------------------------------+-------------------------------+
 *  |          Version (u16): 1     |        Reserved (u16, 0)      |
 *  +-------------------------------+-------------------------------+
 *  |                        Page Size (u32)                        |
 *  +---------------------------------------------------------------+
 *  |                    Image Size in bytes (u64)                  |
 *  +---------------------------------------------------------------+
 *  |                Session Id of the latest attempt (u64)         |
 *  +---------------------------------------------------------------+
 *  |          Started (u64): epoch ns of the latest attempt        |
 *  +---------------------------------------------------------------+
 *  |   Attempts (u64): sessions begun since the last verified one  |
 *  +---------------------------------------------------------------+
 *  |                        Reserved (u64, 0)                      |
 *  +---------------------------------------------------------------+
 *  |            Checksum (u64): xxh3 of bytes 0..55                |
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian; 64 bytes exactly.
 */
public final class JournalDescriptor
{
    /** "RSJOURNL" in ASCII read as a little-endian u64. */
    public static final long MAGIC = 0x4C4E52554F4A5352L;
    /** Current version; another is refused. */
    public static final int VERSION = 1;
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
    /** Offset of the session id. */
    public static final int SESSION_ID_OFFSET;
    /** Offset of the start time. */
    public static final int STARTED_OFFSET;
    /** Offset of the attempt count. */
    public static final int ATTEMPTS_OFFSET;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET;
    /** Length of the file. */
    public static final int LENGTH;

    static
    {
        MAGIC_OFFSET = 0;
        VERSION_OFFSET = MAGIC_OFFSET + SIZE_OF_LONG;
        PAGE_SIZE_OFFSET = VERSION_OFFSET + SIZE_OF_SHORT + SIZE_OF_SHORT;
        IMAGE_SIZE_OFFSET = PAGE_SIZE_OFFSET + SIZE_OF_INT;
        SESSION_ID_OFFSET = IMAGE_SIZE_OFFSET + SIZE_OF_LONG;
        STARTED_OFFSET = SESSION_ID_OFFSET + SIZE_OF_LONG;
        ATTEMPTS_OFFSET = STARTED_OFFSET + SIZE_OF_LONG;
        CHECKSUM_OFFSET = ATTEMPTS_OFFSET + SIZE_OF_LONG + SIZE_OF_LONG;
        LENGTH = CHECKSUM_OFFSET + SIZE_OF_LONG;
    }

    private JournalDescriptor()
    {
    }
}
