package io.ramshift.engine.generate;

import io.ramshift.engine.image.MappedImage;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Measures what a set of pages costs LZ4-compressed: pages given in page order are gathered into blocks of
 * consecutive pages, at most {@value #BLOCK_PAGES} (256 KiB, a default RUN_BATCH), each compressed as one block
 * with lz4-java's {@code fastCompressor} and counted raw when it does not shrink.
 * <p>
 * Allocates its buffers once; nothing per page.
 */
public final class Lz4BlockMeter
{
    /** Most pages in one block. */
    public static final int BLOCK_PAGES = 64;

    private static final int PAGE_SIZE = MappedImage.PAGE_SIZE;

    private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
    private final ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_PAGES * PAGE_SIZE);
    private final UnsafeBuffer blockBuffer = new UnsafeBuffer(block);
    private final ByteBuffer compressed =
        ByteBuffer.allocateDirect(compressor.maxCompressedLength(BLOCK_PAGES * PAGE_SIZE));
    private long nextPage = -1;
    private int blockPages;
    private long pages;
    private long blocks;
    private long bytes;

    /**
     * Add one page; pages must come in increasing page order.
     *
     * @param buffer holding the page's content.
     * @param offset of the page in the buffer.
     * @param page   index of the page in the image.
     */
    public void add(final UnsafeBuffer buffer, final int offset, final long page)
    {
        if (blockPages == BLOCK_PAGES || (blockPages > 0 && page != nextPage))
        {
            flush();
        }
        blockBuffer.putBytes(blockPages * PAGE_SIZE, buffer, offset, PAGE_SIZE);
        blockPages++;
        pages++;
        nextPage = page + 1;
    }

    /** Compress the block being gathered, if any; call once after the last page. */
    public void flush()
    {
        if (blockPages == 0)
        {
            return;
        }
        final int rawLength = blockPages * PAGE_SIZE;
        final int length = compressor.compress(block, 0, rawLength, compressed, 0, compressed.capacity());
        bytes += Math.min(length, rawLength);
        blocks++;
        blockPages = 0;
    }

    /** @return pages added. */
    public long pages()
    {
        return pages;
    }

    /** @return blocks compressed. */
    public long blocks()
    {
        return blocks;
    }

    /** @return bytes of the blocks compressed so far: LZ4 size, or raw size where that is smaller. */
    public long bytes()
    {
        return bytes;
    }
}
