package io.ramshift.engine.transfer;

import io.ramshift.layout.LayoutException;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;

/**
 * The receiver's LZ4 rule, shared by RUN_BATCH and POSTCOPY_PAGES: a block must decode (with the safe decompressor,
 * never past the announced size) to exactly the announced raw length, else the frame is malformed.
 */
public final class Lz4BlockDecoder
{
    private final LZ4SafeDecompressor decompressor = LZ4Factory.fastestInstance().safeDecompressor();
    private final ByteBuffer decoded;

    /**
     * @param maxRawLength largest raw length a frame may announce.
     */
    public Lz4BlockDecoder(final int maxRawLength)
    {
        this.decoded = BufferUtil.allocateDirectAligned(maxRawLength, 4096);
    }

    /**
     * @param payload   buffer holding the block.
     * @param position  where it starts.
     * @param length    its bytes.
     * @param rawLength the announced decoded length (at most the constructor's).
     * @param label     names the frame in an error ("sequence", "first page").
     * @param id        the frame's number under that label.
     * @return the decoded bytes, from 0 to {@code rawLength}.
     * @throws LayoutException when the block is malformed or decodes to another length.
     */
    public ByteBuffer decode(final ByteBuffer payload, final int position, final int length, final int rawLength,
        final String label, final long id)
    {
        if (rawLength < 0 || rawLength > decoded.capacity())
        {
            throw new LayoutException("LZ4 raw length out of range: " + label + "=" + id + " raw=" + rawLength + " max=" +
                decoded.capacity());
        }
        final int got;
        try
        {
            got = decompressor.decompress(payload, position, length, decoded, 0, rawLength);
        }
        catch (final LZ4Exception ex)
        {
            throw new LayoutException("malformed LZ4 payload: " + label + "=" + id + " payload=" + length + " raw=" + rawLength +
                ": " + ex.getMessage());
        }
        if (got != rawLength)
        {
            throw new LayoutException("LZ4 payload decompresses to the wrong size: " + label + "=" + id + " decoded=" + got +
                " raw=" + rawLength);
        }
        return decoded;
    }
}
