package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * The three frames of a delta session's hash exchange, which follows HELLO_ACK and precedes the first RUN_BATCH.
 * Each kind may span several frames; the last one has {@link ProtocolDescriptor#DELTA_FLAG_LAST}.
 * <p>
 * DEST_SUMMARY (type 8, receiver → sender): the destination's chunk hashes, chunk {@code c} covering pages
 * {@code [512c, 512c + 512)}; a chunk hash is xxh3 over the chunk's page hashes as little-endian u64s.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                 Frame Header (8 bytes, type 8)                |
 *  +---------------------------------------------------------------+
 *  |                  Total Chunks of the image (u64)              |
 *  +---------------------------------------------------------------+
 *  |                  First Chunk in this frame (u64)              |
 *  +-------------------------------+-------------------------------+
 *  |          Count n (u32)        |           Flags (u32)         |
 *  +-------------------------------+-------------------------------+
 *  |                  Chunk Hash × n (u64 each)                   ...
 *  +---------------------------------------------------------------+
 * </pre>
 * CHUNK_REQUEST (type 9, sender → receiver): the chunks whose page hashes the sender needs, ascending.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                 Frame Header (8 bytes, type 9)                |
 *  +-------------------------------+-------------------------------+
 *  |          Count n (u32)        |           Flags (u32)         |
 *  +-------------------------------+-------------------------------+
 *  |                  Chunk Index × n (u64 each)                  ...
 *  +---------------------------------------------------------------+
 * </pre>
 * PAGE_HASHES (type 10, receiver → sender): for each requested chunk, in the order asked, its index and its 512
 * page hashes (slots past the image's last page are 0): u64 each, or with {@link ProtocolDescriptor#DELTA_FLAG_HASH32}
 * (asked for in CHUNK_REQUEST, repeated in every PAGE_HASHES) their low 32 bits as u32 each.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                Frame Header (8 bytes, type 10)                |
 *  +-------------------------------+-------------------------------+
 *  |          Count n (u32)        |           Flags (u32)         |
 *  +-------------------------------+-------------------------------+
 *  |   n × { Chunk Index (u64), Page Hash × 512 (u64, or u32) }   ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class DeltaFrameDescriptor
{
    /** DEST_SUMMARY: offset of the total chunk count. */
    public static final int SUMMARY_TOTAL_CHUNKS_OFFSET;
    /** DEST_SUMMARY: offset of the first chunk index. */
    public static final int SUMMARY_FIRST_CHUNK_OFFSET;
    /** DEST_SUMMARY: offset of the count. */
    public static final int SUMMARY_COUNT_OFFSET;
    /** DEST_SUMMARY: offset of the flags. */
    public static final int SUMMARY_FLAGS_OFFSET;
    /** DEST_SUMMARY: offset of the first chunk hash. */
    public static final int SUMMARY_HASHES_OFFSET;

    /** CHUNK_REQUEST and PAGE_HASHES: offset of the count. */
    public static final int LIST_COUNT_OFFSET;
    /** CHUNK_REQUEST and PAGE_HASHES: offset of the flags. */
    public static final int LIST_FLAGS_OFFSET;
    /** CHUNK_REQUEST and PAGE_HASHES: offset of the first entry. */
    public static final int LIST_ENTRIES_OFFSET;

    /** PAGE_HASHES: bytes of one entry (chunk index and its 64-bit page hashes). */
    public static final int PAGE_HASHES_ENTRY_LENGTH = SIZE_OF_LONG * (1 + ProtocolDescriptor.DELTA_CHUNK_PAGES);
    /** PAGE_HASHES with {@link ProtocolDescriptor#DELTA_FLAG_HASH32}: bytes of one entry. */
    public static final int PAGE_HASHES_ENTRY_LENGTH_32 = SIZE_OF_LONG + SIZE_OF_INT * ProtocolDescriptor.DELTA_CHUNK_PAGES;

    /** Most chunk hashes in one DEST_SUMMARY. */
    public static final int MAX_SUMMARY_HASHES;
    /** Most chunk indexes in one CHUNK_REQUEST. */
    public static final int MAX_REQUEST_CHUNKS;
    /** Most entries in one PAGE_HASHES. */
    public static final int MAX_PAGE_HASH_ENTRIES;

    static
    {
        SUMMARY_TOTAL_CHUNKS_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        SUMMARY_FIRST_CHUNK_OFFSET = SUMMARY_TOTAL_CHUNKS_OFFSET + SIZE_OF_LONG;
        SUMMARY_COUNT_OFFSET = SUMMARY_FIRST_CHUNK_OFFSET + SIZE_OF_LONG;
        SUMMARY_FLAGS_OFFSET = SUMMARY_COUNT_OFFSET + SIZE_OF_INT;
        SUMMARY_HASHES_OFFSET = SUMMARY_FLAGS_OFFSET + SIZE_OF_INT;

        LIST_COUNT_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        LIST_FLAGS_OFFSET = LIST_COUNT_OFFSET + SIZE_OF_INT;
        LIST_ENTRIES_OFFSET = LIST_FLAGS_OFFSET + SIZE_OF_INT;

        // 64 KiB frames: small enough to interleave, large enough that 8 GiB needs one summary frame
        MAX_SUMMARY_HASHES = 8192;
        MAX_REQUEST_CHUNKS = 8192;
        MAX_PAGE_HASH_ENTRIES = 64;
    }

    private DeltaFrameDescriptor()
    {
    }
}
