package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

/**
 * RESUME (type 13), on stream 0 right after HELLO_ACK of a session with the RESUME option: the sender sends one
 * OFFER naming its source, the receiver answers with MAP frames holding the durable-page bitmap of a matching
 * journal (status RESUMING), or one MAP with no words and the status saying why not.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |         Frame Header (8 bytes, type 13, flags 0 or LAST=1)    |
 *  +---------------+---------------+-------------------------------+
 *  |  Kind (u8)    |  Status (u8)  |        Reserved (u16, 0)      |
 *  +---------------+---------------+-------------------------------+
 *  |                  Word Count (u32): words in this frame        |
 *  +---------------------------------------------------------------+
 *  |                   Source Identity (u64)                       |
 *  +---------------------------------------------------------------+
 *  |                     Page Count (u64)                          |
 *  +---------------------------------------------------------------+
 *  |             First Word (u64): index of the first word         |
 *  +---------------------------------------------------------------+
 *  |   Words (u64 x Word Count): bit b of word w = page 64*w + b   |
 *  |                             ...                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian. Kind 1 = OFFER (sender; status 0, no words, LAST), 2 = MAP (receiver). A MAP of status 0
 * (RESUMING) carries the words in order from word 0, LAST on the frame holding the last word
 * ({@code ceil(pages/64)} words in all); any other status carries no words and is LAST.
 */
public final class ResumeDescriptor
{
    /** Kind: the sender's offer. */
    public static final int KIND_OFFER = 1;
    /** Kind: the receiver's answer. */
    public static final int KIND_MAP = 2;
    /** Frame flag: the last frame of the exchange. */
    public static final int FLAG_LAST = 1;

    /** MAP status: a journal of this source was found; the words follow. */
    public static final int STATUS_RESUMING = 0;
    /** MAP status: the destination has no journal (a complete or new destination). */
    public static final int STATUS_NO_JOURNAL = 1;
    /** MAP status: the journal records another source (identity, size or page count differ). */
    public static final int STATUS_IDENTITY_DIFFERS = 2;
    /** MAP status: the journal is unreadable (an older version, corrupt, wrong size). */
    public static final int STATUS_UNREADABLE = 3;
    /** Largest status defined. */
    public static final int MAX_STATUS = STATUS_UNREADABLE;

    /** Offset of the kind. */
    public static final int KIND_OFFSET;
    /** Offset of the status. */
    public static final int STATUS_OFFSET;
    /** Offset of the word count. */
    public static final int WORD_COUNT_OFFSET;
    /** Offset of the source identity. */
    public static final int IDENTITY_OFFSET;
    /** Offset of the page count. */
    public static final int PAGE_COUNT_OFFSET;
    /** Offset of the index of the first word. */
    public static final int FIRST_WORD_OFFSET;
    /** Offset of the words; also the length of a frame without words. */
    public static final int WORDS_OFFSET;
    /** Words per MAP frame at most (4 MiB of bitmap: 128 GiB of 4 KiB pages). */
    public static final int MAX_WORDS = 512 * 1024;

    static
    {
        KIND_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        STATUS_OFFSET = KIND_OFFSET + 1;
        WORD_COUNT_OFFSET = STATUS_OFFSET + 1 + SIZE_OF_SHORT;
        IDENTITY_OFFSET = WORD_COUNT_OFFSET + SIZE_OF_INT;
        PAGE_COUNT_OFFSET = IDENTITY_OFFSET + SIZE_OF_LONG;
        FIRST_WORD_OFFSET = PAGE_COUNT_OFFSET + SIZE_OF_LONG;
        WORDS_OFFSET = FIRST_WORD_OFFSET + SIZE_OF_LONG;
    }

    private ResumeDescriptor()
    {
    }

    /**
     * @param pageCount pages of the image.
     * @return 64-bit words of a bitmap of that many pages.
     */
    public static long wordsFor(final long pageCount)
    {
        return (pageCount + 63) >>> 6;
    }

    /**
     * @param status a MAP status.
     * @return its name for messages.
     */
    public static String statusName(final int status)
    {
        switch (status)
        {
            case STATUS_RESUMING: return "resuming";
            case STATUS_NO_JOURNAL: return "no journal";
            case STATUS_IDENTITY_DIFFERS: return "journal of another source";
            case STATUS_UNREADABLE: return "journal unreadable";
            default: return "UNKNOWN(" + status + ")";
        }
    }
}
