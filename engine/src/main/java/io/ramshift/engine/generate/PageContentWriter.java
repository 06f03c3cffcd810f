package io.ramshift.engine.generate;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.image.MappedImage;
import org.agrona.concurrent.UnsafeBuffer;

import static io.ramshift.layout.PageLayoutDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Writes the bytes of one page from its plan entry: zeros, random garbage (free-dirty and random pages),
 * compressible data, or for a duplicate the bytes of the page it copies.
 * <p>
 * The bytes are a pure function of (seed, page, kind), a duplicate taking those of its source, so any number of
 * threads writing any pages in any order produce the same image. One instance per thread; nothing is allocated per
 * page.
 */
public final class PageContentWriter
{
    private static final int PAGE_SIZE = MappedImage.PAGE_SIZE;

    private final PageKindPlan plan;
    private final long seed;
    private final CompressiblePageWriter compressibleWriter;

    /**
     * @param plan of the image being written.
     */
    public PageContentWriter(final PageKindPlan plan)
    {
        this.plan = plan;
        this.seed = plan.seed();
        this.compressibleWriter = new CompressiblePageWriter(seed);
    }

    /**
     * Write one page as its plan says.
     *
     * @param buffer holding the page.
     * @param offset of the page in the buffer.
     * @param page   index of the page in the image.
     */
    public void write(final UnsafeBuffer buffer, final int offset, final long page)
    {
        final int kind = plan.kind(page);
        if (kind == KIND_DUPLICATE)
        {
            final long source = plan.duplicateSource(page);
            writeContent(buffer, offset, source, plan.kind(source));
        }
        else
        {
            writeContent(buffer, offset, page, kind);
        }
    }

    /**
     * Write the content that a page of a kind has, whatever the plan says about that page.
     *
     * @param buffer holding the page.
     * @param offset of the page in the buffer.
     * @param page   index whose content is written.
     * @param kind   zero, free-dirty, compressible or random.
     */
    public void writeContent(final UnsafeBuffer buffer, final int offset, final long page, final int kind)
    {
        switch (kind)
        {
            case KIND_ZERO:
                ZeroPage.clear(buffer, offset);
                break;
            case KIND_COMPRESSIBLE:
                compressibleWriter.write(buffer, offset, page);
                break;
            case KIND_FREE_DIRTY:
            case KIND_RANDOM:
                writeRandom(buffer, offset, SplitMix64.seedFor(seed, page, kind));
                break;
            default:
                throw new ImageException("no content for kind: page=" + page + " kind=" + kindName(kind));
        }
    }

    static void writeRandom(final UnsafeBuffer buffer, final int offset, final long pageSeed)
    {
        // SplitMix64 inlined on a local so the loop keeps its state in a register
        long state = pageSeed;
        for (int i = offset, end = offset + PAGE_SIZE; i < end; i += 8)
        {
            state += SplitMix64.GOLDEN_GAMMA;
            buffer.putLong(i, SplitMix64.mix(state), LITTLE_ENDIAN);
        }
    }
}
