package io.ramshift.layout;

/**
 * Constants of wire protocol v1: magic, version, frame types, encodings, run kinds, option bits, limits.
 * <p>
 * A session is: sender {@code HELLO} → receiver {@code HELLO_ACK} (or {@code ERROR}); sender
 * {@code RUN_BATCH}* then {@code END}; receiver {@code RESULT} (or {@code ERROR}) once the destination is written,
 * synced and its digest checked. With option RESUME a RESUME exchange (see {@link ResumeDescriptor}) follows
 * HELLO_ACK on stream 0. Every frame starts with the header of {@link FrameHeaderDescriptor}; every
 * integer is little-endian.
 */
public final class ProtocolDescriptor
{
    /** "RAMSHIFT" in ASCII read as a little-endian u64. */
    public static final long MAGIC = 0x5446494853_4D4152L;

    /** Protocol version carried in HELLO; a peer speaking another version is refused. */
    public static final int VERSION = 1;

    /** The only page size of v1. */
    public static final int DEFAULT_PAGE_SIZE = 4096;

    /** Upper bound of one frame on the wire; a decoder never allocates from a peer-chosen length beyond it. */
    public static final int MAX_FRAME_LENGTH = 4 * 1024 * 1024 + 64 * 1024;

    /** Upper bound of pages whose bytes one RUN_BATCH may carry (4 MiB of 4 KiB pages). */
    public static final int MAX_BATCH_DATA_PAGES = 1024;

    /** Upper bound of run entries in one RUN_BATCH. */
    public static final int MAX_BATCH_RUNS = 2048;

    /** Upper bound of the UTF-8 message of an ERROR frame. */
    public static final int MAX_ERROR_MESSAGE_LENGTH = 1024;

    /** Frame type: sender opens the session. */
    public static final int TYPE_HELLO = 1;
    /** Frame type: receiver accepts the session. */
    public static final int TYPE_HELLO_ACK = 2;
    /** Frame type: a batch of runs with their page bytes. */
    public static final int TYPE_RUN_BATCH = 3;
    /** Frame type: sender has sent everything; carries the image digest. */
    public static final int TYPE_END = 4;
    /** Frame type: receiver's verdict after writing, syncing and checking the digest. */
    public static final int TYPE_RESULT = 5;
    /** Frame type: either side gives up with a reason. */
    public static final int TYPE_ERROR = 6;
    /** Frame type: a chunk of the hypervisor's device state, after the final round and before END. */
    public static final int TYPE_DEVICE_STATE = 7;
    /** Frame type: delta session, receiver → sender: hashes of the destination's 2 MiB chunks. */
    public static final int TYPE_DEST_SUMMARY = 8;
    /** Frame type: delta session, sender → receiver: chunks whose page hashes the sender needs. */
    public static final int TYPE_CHUNK_REQUEST = 9;
    /** Frame type: delta session, receiver → sender: the page hashes of requested chunks. */
    public static final int TYPE_PAGE_HASHES = 10;
    /** Frame type: authenticated session, receiver → sender: a fresh nonce to prove the key against. */
    public static final int TYPE_AUTH_CHALLENGE = 11;
    /** Frame type: authenticated session, either way: an HMAC-SHA256 proof of the pre-shared key. */
    public static final int TYPE_AUTH_PROOF = 12;
    /** Resume: the sender's source identity, the receiver's durable-page map (see {@link ResumeDescriptor}). */
    public static final int TYPE_RESUME = 13;
    /** Frame type: post-copy switch, sender → receiver (bulk): a chunk of the bitmap of pages not current there. */
    public static final int TYPE_POSTCOPY_PENDING = 14;
    /** Frame type: post-copy, sender → receiver: pages pushed (bulk) or answering a demand (priority). */
    public static final int TYPE_POSTCOPY_PAGES = 15;
    /** Frame type: post-copy, receiver → sender (priority): a reader waits for this page. */
    public static final int TYPE_POSTCOPY_DEMAND = 16;
    /** Frame type: post-copy, receiver → sender (priority): runs of pages applied since the last ACK. */
    public static final int TYPE_POSTCOPY_ACK = 17;
    /** Frame type: post-copy resume, receiver → sender (bulk): a chunk of the bitmap of pages still missing. */
    public static final int TYPE_POSTCOPY_MISSING = 18;
    /** Frame type: post-copy, sender → receiver (priority): every page was acknowledged; the connection ends. */
    public static final int TYPE_POSTCOPY_DONE = 19;

    /** Payload encoding: page bytes as they are. */
    public static final int ENCODING_RAW = 1;
    /** Payload encoding: one LZ4 block of the concatenated data pages. */
    public static final int ENCODING_LZ4 = 2;

    /** Run kind: pages that are all zero; no payload. */
    public static final int RUN_ZERO = 1;
    /** Run kind: pages whose bytes are in the payload. */
    public static final int RUN_DATA = 2;
    /** Run kind: pages equal to pages already sent on the same stream, starting at the entry's reference page. */
    public static final int RUN_DUP = 3;
    /** Run kind (delta sessions): pages equal to the destination's own pages starting at the reference page, which
     * this session has not written. */
    public static final int RUN_COPY = 4;

    /** HELLO option: the receiver may grow or shrink an existing destination of another size. */
    public static final long OPTION_RESIZE = 1L;
    /** HELLO option: skip fsync before RESULT. */
    public static final long OPTION_NO_SYNC = 1L << 1;
    /** HELLO option: the sender may use {@link #ENCODING_LZ4}. */
    public static final long OPTION_LZ4 = 1L << 2;
    /** HELLO option: the sender may send DUP runs. */
    public static final long OPTION_DUP = 1L << 3;
    /** HELLO option: a live session: pages may be sent again in later rounds; the last content counts. */
    public static final long OPTION_LIVE = 1L << 4;
    /** HELLO option: DEVICE_STATE frames follow the final round; the receiver must hand them to its hypervisor. */
    public static final long OPTION_DEVICE_STATE = 1L << 5;
    /** HELLO option: a delta session: the destination holds an earlier copy; only pages that differ travel. */
    public static final long OPTION_DELTA = 1L << 6;
    /** HELLO option: both ends prove a pre-shared key (HMAC-SHA256 challenge-response) before anything is written. */
    public static final long OPTION_AUTH = 1L << 7;
    /** Resume: a RESUME exchange on stream 0 follows HELLO_ACK; pages the destination holds durably are skipped. */
    public static final long OPTION_RESUME = 1L << 8;
    /** HELLO option: a live session that may switch to post-copy (single stream; the receiver keeps listening for
     * the priority connection and for reconnects). */
    public static final long OPTION_POSTCOPY = 1L << 9;
    /** HELLO option: this connection is the priority connection (demands, replies, acks) of a post-copy session. */
    public static final long OPTION_POSTCOPY_PRIORITY = 1L << 10;
    /** HELLO option: this connection resumes a post-copy session after the link dropped (same session id). */
    public static final long OPTION_POSTCOPY_RESUME = 1L << 11;
    /** Every option bit v1 knows; others are refused. */
    public static final long KNOWN_OPTIONS = OPTION_RESIZE | OPTION_NO_SYNC | OPTION_LZ4 | OPTION_DUP | OPTION_LIVE |
        OPTION_DEVICE_STATE | OPTION_DELTA | OPTION_AUTH | OPTION_RESUME | OPTION_POSTCOPY | OPTION_POSTCOPY_PRIORITY |
        OPTION_POSTCOPY_RESUME;

    /** Pages per chunk of a delta summary (2 MiB of 4 KiB pages). */
    public static final int DELTA_CHUNK_PAGES = 512;
    /** Flag of a delta frame: the last frame of its kind in this exchange. */
    public static final int DELTA_FLAG_LAST = 1;
    /** Flag of a DEST_SUMMARY: the hashes come from a valid manifest (not hashed for this session). */
    public static final int DELTA_FLAG_FROM_MANIFEST = 2;
    /** Flag of CHUNK_REQUEST (asked) and PAGE_HASHES (given): page hashes truncated to their low 32 bits. */
    public static final int DELTA_FLAG_HASH32 = 4;

    /** Upper bound of a device state (QEMU's for a small guest is about 320 KB, plus video RAM if any). */
    public static final long MAX_DEVICE_STATE_LENGTH = 256L * 1024 * 1024;

    /** Upper bound of page entries in one POSTCOPY_PAGES frame (1 MiB of page bytes). */
    public static final int MAX_POSTCOPY_PAGES = 256;
    /** Upper bound of words in one POSTCOPY_PENDING or POSTCOPY_MISSING frame (512 KiB: 4 Mi pages). */
    public static final int MAX_POSTCOPY_BITMAP_WORDS = 65536;
    /** Upper bound of runs in one POSTCOPY_ACK frame. */
    public static final int MAX_POSTCOPY_ACK_RUNS = 4096;
    /** POSTCOPY_PAGES origin: pushed in the background on the bulk connection. */
    public static final int POSTCOPY_ORIGIN_PUSH = 1;
    /** POSTCOPY_PAGES origin: the reply to a demand (the demanded page first, then prefetched neighbours). */
    public static final int POSTCOPY_ORIGIN_DEMAND = 2;
    /** POSTCOPY_PAGES origin: neighbours of a demanded page, right after the reply that carried it alone (on the
     * priority connection; no reader waits for them, so they do not delay the demanded page). */
    public static final int POSTCOPY_ORIGIN_PREFETCH = 3;

    /** Upper bound of parallel streams (connections) of one session. */
    public static final int MAX_STREAMS = 64;

    /** RESULT status: destination written, synced, digest equal. */
    public static final int STATUS_VERIFIED = 0;
    /** RESULT status: the digest of what was written differs from the sender's. */
    public static final int STATUS_DIGEST_MISMATCH = 1;

    /** ERROR code: the destination cannot be used (size, permissions, lock). */
    public static final int ERROR_DESTINATION = 1;
    /** ERROR code: a malformed or unexpected frame. */
    public static final int ERROR_PROTOCOL = 2;
    /** ERROR code: I/O failed while writing. */
    public static final int ERROR_IO = 3;
    /** ERROR code: the sender's image changed or could not be read. */
    public static final int ERROR_SOURCE = 4;
    /** ERROR code: another stream of the session failed. */
    public static final int ERROR_SESSION = 5;
    /** ERROR code: the destination's hypervisor did not take the device state (the image was verified). */
    public static final int ERROR_DEVICE_STATE = 6;
    /** ERROR code: the peer did not prove the pre-shared key (or one end has a key and the other none). */
    public static final int ERROR_AUTH = 7;
    /** ERROR code: the destination's durable pages do not hold what the source has (its journal was invalidated). */
    public static final int ERROR_RESUME = 8;
    /** ERROR code: a post-copy link stayed down longer than the reconnect window; pages are missing. */
    public static final int ERROR_POSTCOPY_LINK_LOST = 9;
    /** ERROR code: a post-copy resume or priority connection that does not match the session. */
    public static final int ERROR_POSTCOPY_RESUME = 10;

    private ProtocolDescriptor()
    {
    }

    /**
     * @param type frame type.
     * @return its name for messages.
     */
    public static String typeName(final int type)
    {
        switch (type)
        {
            case TYPE_HELLO: return "HELLO";
            case TYPE_HELLO_ACK: return "HELLO_ACK";
            case TYPE_RUN_BATCH: return "RUN_BATCH";
            case TYPE_END: return "END";
            case TYPE_RESULT: return "RESULT";
            case TYPE_ERROR: return "ERROR";
            case TYPE_DEVICE_STATE: return "DEVICE_STATE";
            case TYPE_DEST_SUMMARY: return "DEST_SUMMARY";
            case TYPE_CHUNK_REQUEST: return "CHUNK_REQUEST";
            case TYPE_PAGE_HASHES: return "PAGE_HASHES";
            case TYPE_AUTH_CHALLENGE: return "AUTH_CHALLENGE";
            case TYPE_AUTH_PROOF: return "AUTH_PROOF";
            case TYPE_RESUME: return "RESUME";
            case TYPE_POSTCOPY_PENDING: return "POSTCOPY_PENDING";
            case TYPE_POSTCOPY_PAGES: return "POSTCOPY_PAGES";
            case TYPE_POSTCOPY_DEMAND: return "POSTCOPY_DEMAND";
            case TYPE_POSTCOPY_ACK: return "POSTCOPY_ACK";
            case TYPE_POSTCOPY_MISSING: return "POSTCOPY_MISSING";
            case TYPE_POSTCOPY_DONE: return "POSTCOPY_DONE";
            default: return "UNKNOWN(" + type + ")";
        }
    }
}
