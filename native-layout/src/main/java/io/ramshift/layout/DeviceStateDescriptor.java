package io.ramshift.layout;

import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;

/**
 * DEVICE_STATE: one chunk of a hypervisor's device state (for QEMU: the stream {@code migrate} writes with
 * {@code x-ignore-shared}, i.e. CPU and device state plus the small RAM blocks outside the shared RAM file). Sent
 * after the final round and before END, in order, only in a session whose HELLO has
 * {@link ProtocolDescriptor#OPTION_DEVICE_STATE}; the receiver hands it to its hypervisor only after the image
 * verified.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Frame Header (8 bytes, type 7)                |
 *  +---------------------------------------------------------------+
 *  |           Total Length (u64): bytes of the whole state        |
 *  +---------------------------------------------------------------+
 *  |          Chunk Offset (u64): where this chunk starts          |
 *  +-------------------------------+-------------------------------+
 *  |     Chunk Length (u32)        |        Reserved (u32, 0)      |
 *  +-------------------------------+-------------------------------+
 *  |                 Chunk bytes (Chunk Length)                   ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Chunks arrive in order without gaps; Total Length is the same in every chunk and at most
 * {@link ProtocolDescriptor#MAX_DEVICE_STATE_LENGTH}; Frame Length = {@link #PAYLOAD_OFFSET} + Chunk Length.
 */
public final class DeviceStateDescriptor
{
    /** Offset of the total length. */
    public static final int TOTAL_LENGTH_OFFSET;
    /** Offset of the chunk offset. */
    public static final int CHUNK_OFFSET_OFFSET;
    /** Offset of the chunk length. */
    public static final int CHUNK_LENGTH_OFFSET;
    /** Offset of the reserved word. */
    public static final int RESERVED_OFFSET;
    /** Offset of the chunk bytes. */
    public static final int PAYLOAD_OFFSET;
    /** Largest chunk a sender writes (and a receiver accepts). */
    public static final int MAX_CHUNK_LENGTH = 1024 * 1024;

    static
    {
        TOTAL_LENGTH_OFFSET = FrameHeaderDescriptor.HEADER_LENGTH;
        CHUNK_OFFSET_OFFSET = TOTAL_LENGTH_OFFSET + SIZE_OF_LONG;
        CHUNK_LENGTH_OFFSET = CHUNK_OFFSET_OFFSET + SIZE_OF_LONG;
        RESERVED_OFFSET = CHUNK_LENGTH_OFFSET + SIZE_OF_INT;
        PAYLOAD_OFFSET = RESERVED_OFFSET + SIZE_OF_INT;
    }

    private DeviceStateDescriptor()
    {
    }
}
