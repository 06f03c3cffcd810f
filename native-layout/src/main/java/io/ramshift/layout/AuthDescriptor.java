package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;

/**
 * AUTH_CHALLENGE and AUTH_PROOF: the pre-shared-key handshake of a session whose HELLO has
 * {@link ProtocolDescriptor#OPTION_AUTH}, between HELLO and HELLO_ACK.
 * <pre>
 * AUTH_CHALLENGE (type 11, 48 bytes, receiver → sender)
 *  +---------------------------------------------------------------+
 *  |                Frame Header (8 bytes, type 11)                |
 *  +-------------------------------+-------------------------------+
 *  |    Algorithm (u32): 1         |          Reserved (u32, 0)    |
 *  +-------------------------------+-------------------------------+
 *  |                   Receiver Nonce (32 bytes)                   |
 *  +---------------------------------------------------------------+
 * AUTH_PROOF (type 12, 80 bytes, sender → receiver, then receiver → sender)
 *  +---------------------------------------------------------------+
 *  |                Frame Header (8 bytes, type 12)                |
 *  +-------------------------------+-------------------------------+
 *  |    Algorithm (u32): 1         |          Reserved (u32, 0)    |
 *  +-------------------------------+-------------------------------+
 *  |        Nonce (32 bytes): the sender's; zero in the receiver's |
 *  +---------------------------------------------------------------+
 *  |                     HMAC-SHA256 (32 bytes)                    |
 *  +---------------------------------------------------------------+
 * </pre>
 * Algorithm 1: the sender's MAC is HMAC-SHA256(key, "ramshift-v1 sender" ‖ HELLO ‖ receiver nonce); the
 * receiver's is HMAC-SHA256(key, "ramshift-v1 receiver" ‖ HELLO ‖ receiver nonce ‖ sender nonce), where HELLO is
 * the 64 bytes of the stream's HELLO frame as sent.
 */
public final class AuthDescriptor
{
    /** Algorithm: HMAC-SHA256 challenge-response. */
    public static final int ALGORITHM_HMAC_SHA256 = 1;
    /** Bytes of a nonce. */
    public static final int NONCE_LENGTH = 32;
    /** Bytes of a MAC. */
    public static final int MAC_LENGTH = 32;

    /** Offset of the algorithm. */
    public static final int ALGORITHM_OFFSET;
    /** Offset of the reserved word. */
    public static final int RESERVED_OFFSET;
    /** Offset of the nonce. */
    public static final int NONCE_OFFSET;
    /** AUTH_PROOF: offset of the MAC. */
    public static final int MAC_OFFSET;
    /** Length of AUTH_CHALLENGE. */
    public static final int CHALLENGE_LENGTH;
    /** Length of AUTH_PROOF. */
    public static final int PROOF_LENGTH;

    static
    {
        ALGORITHM_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        RESERVED_OFFSET = ALGORITHM_OFFSET + SIZE_OF_INT;
        NONCE_OFFSET = RESERVED_OFFSET + SIZE_OF_INT;
        MAC_OFFSET = NONCE_OFFSET + NONCE_LENGTH;
        CHALLENGE_LENGTH = MAC_OFFSET;
        PROOF_LENGTH = MAC_OFFSET + MAC_LENGTH;
    }

    private AuthDescriptor()
    {
    }
}
