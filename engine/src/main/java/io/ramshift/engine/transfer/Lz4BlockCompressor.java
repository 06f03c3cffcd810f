package io.ramshift.engine.transfer;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * The sender's LZ4 rules, shared by RUN_BATCH and POSTCOPY_PAGES: a block of page bytes is compressed only when
 * a probe of its first page shrinks by 1/8, and sent compressed only when the whole block saves at least 1/16.
 * Unless told to compress always, it is used only while the link is the bottleneck: a socket write that blocks
 * (takes longer than copying into the socket buffer would) counts as link-bound, and an exponential average of
 * that decides for the next blocks (zstd's {@code --adapt} uses the same signal).
 */
public final class Lz4BlockCompressor
{
    private static final int PROBE_LIMIT = PAGE_SIZE - PAGE_SIZE / 8;
    /** A write slower than this many bytes per nanosecond (plus a fixed allowance) blocked on the link. */
    private static final double COPY_BYTES_PER_NANO = 4.0;
    private static final long WRITE_ALLOWANCE_NANOS = 50_000;

    private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
    private final ByteBuffer compressed;
    private final boolean always;
    private double linkBound = 1.0;

    /**
     * @param maxRawLength largest block compressed.
     * @param always       compress blocks that shrink whatever the link.
     */
    public Lz4BlockCompressor(final int maxRawLength, final boolean always)
    {
        this.always = always;
        this.compressed = BufferUtil.allocateDirectAligned(compressor.maxCompressedLength(maxRawLength), 4096);
    }

    /** @return true when the next block should be tried: always, or while the link is the bottleneck. */
    public boolean wanted()
    {
        return always || linkBound >= 0.5;
    }

    /**
     * @param page     buffer holding a page.
     * @param position where the page starts.
     * @return true when the page shrinks enough for its block to be worth compressing.
     */
    public boolean probe(final ByteBuffer page, final int position)
    {
        return compressor.compress(page, position, PAGE_SIZE, compressed, 0, compressed.capacity()) <= PROBE_LIMIT;
    }

    /**
     * Compress a block into {@link #compressed()}.
     *
     * @param source    buffer holding the block.
     * @param position  where it starts.
     * @param rawLength its bytes.
     * @return the LZ4 length when it saves at least 1/16, else -1.
     */
    public int compress(final ByteBuffer source, final int position, final int rawLength)
    {
        final int length = compressor.compress(source, position, rawLength, compressed, 0, compressed.capacity());
        return length < rawLength - rawLength / 16 ? length : -1;
    }

    /** @return the last block compressed, from 0. */
    public ByteBuffer compressed()
    {
        return compressed;
    }

    /** @return the largest LZ4 block this compressor produces. */
    public int maxCompressedLength()
    {
        return compressed.capacity();
    }

    /**
     * Feed the link-bound average with one socket write.
     *
     * @param tookNanos   how long the write took.
     * @param frameLength bytes written.
     */
    public void written(final long tookNanos, final int frameLength)
    {
        final boolean blocked = tookNanos > WRITE_ALLOWANCE_NANOS + (long)(frameLength / COPY_BYTES_PER_NANO);
        linkBound = linkBound * 0.75 + (blocked ? 0.25 : 0.0);
    }
}
