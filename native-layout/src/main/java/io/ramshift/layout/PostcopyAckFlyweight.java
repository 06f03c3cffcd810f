package io.ramshift.layout;

import static io.ramshift.layout.PostcopyAckDescriptor.RESERVED_OFFSET;
import static io.ramshift.layout.PostcopyAckDescriptor.RUNS_OFFSET;
import static io.ramshift.layout.PostcopyAckDescriptor.RUN_COUNT_OFFSET;
import static io.ramshift.layout.PostcopyAckDescriptor.RUN_LENGTH;
import static io.ramshift.layout.ProtocolDescriptor.MAX_POSTCOPY_ACK_RUNS;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_POSTCOPY_ACK;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of POSTCOPY_ACK (see {@link PostcopyAckDescriptor}).
 */
public final class PostcopyAckFlyweight extends FrameFlyweight
{
    /**
     * Write run {@code index}.
     *
     * @param index     run index.
     * @param firstPage first page.
     * @param pageCount pages.
     * @return this for a fluent API.
     */
    public PostcopyAckFlyweight run(final int index, final long firstPage, final long pageCount)
    {
        final int at = offset + RUNS_OFFSET + index * RUN_LENGTH;
        buffer.putLong(at, firstPage, LITTLE_ENDIAN);
        buffer.putLong(at + 8, pageCount, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Write the fixed part once the runs are in place.
     *
     * @param runs runs written.
     * @return this for a fluent API.
     */
    public PostcopyAckFlyweight finish(final int runs)
    {
        header(PostcopyAckDescriptor.frameLength(runs), TYPE_POSTCOPY_ACK);
        buffer.putInt(offset + RUN_COUNT_OFFSET, runs, LITTLE_ENDIAN);
        buffer.putInt(offset + RESERVED_OFFSET, 0, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param pageCount pages of the image.
     * @return this for a fluent API.
     */
    public PostcopyAckFlyweight validate(final long pageCount)
    {
        checkHeader(TYPE_POSTCOPY_ACK, -1);
        checkMinLength(RUNS_OFFSET);
        final int runs = runCount();
        if (runs < 1 || runs > MAX_POSTCOPY_ACK_RUNS)
        {
            throw new LayoutException("bad ACK run count: runs=" + runs + " max=" + MAX_POSTCOPY_ACK_RUNS);
        }
        if (frameLength() != PostcopyAckDescriptor.frameLength(runs))
        {
            throw new LayoutException("bad frame length: type=POSTCOPY_ACK length=" + frameLength() + " expected=" +
                PostcopyAckDescriptor.frameLength(runs));
        }
        if (buffer.getInt(offset + RESERVED_OFFSET, LITTLE_ENDIAN) != 0)
        {
            throw new LayoutException("ACK reserved field not zero");
        }
        for (int i = 0; i < runs; i++)
        {
            final long first = firstPage(i);
            final long count = pageCount(i);
            if (first < 0 || count < 1 || count > pageCount || first > pageCount - count)
            {
                throw new LayoutException("ACK run past image end: page=" + first + " count=" + count + " pages=" +
                    pageCount);
            }
        }
        return this;
    }

    /** @return runs carried. */
    public int runCount()
    {
        return buffer.getInt(offset + RUN_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index run index.
     * @return its first page.
     */
    public long firstPage(final int index)
    {
        return buffer.getLong(offset + RUNS_OFFSET + index * RUN_LENGTH, LITTLE_ENDIAN);
    }

    /**
     * @param index run index.
     * @return its page count.
     */
    public long pageCount(final int index)
    {
        return buffer.getLong(offset + RUNS_OFFSET + index * RUN_LENGTH + 8, LITTLE_ENDIAN);
    }
}
