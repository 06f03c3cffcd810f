package io.ramshift.layout;

import static io.ramshift.layout.PostcopyDemandDescriptor.LENGTH;
import static io.ramshift.layout.PostcopyDemandDescriptor.VALUE_OFFSET;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_POSTCOPY_DEMAND;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_POSTCOPY_DONE;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of POSTCOPY_DEMAND and POSTCOPY_DONE (see {@link PostcopyDemandDescriptor}).
 */
public final class PostcopyDemandFlyweight extends FrameFlyweight
{
    /**
     * @param page demanded page.
     * @return this for a fluent API.
     */
    public PostcopyDemandFlyweight encodeDemand(final long page)
    {
        header(LENGTH, TYPE_POSTCOPY_DEMAND);
        buffer.putLong(offset + VALUE_OFFSET, page, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param ackedPages pages acknowledged.
     * @return this for a fluent API.
     */
    public PostcopyDemandFlyweight encodeDone(final long ackedPages)
    {
        header(LENGTH, TYPE_POSTCOPY_DONE);
        buffer.putLong(offset + VALUE_OFFSET, ackedPages, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param pageCount pages of the image.
     * @return this for a fluent API.
     */
    public PostcopyDemandFlyweight validateDemand(final long pageCount)
    {
        checkHeader(TYPE_POSTCOPY_DEMAND, LENGTH);
        final long page = value();
        if (page < 0 || page >= pageCount)
        {
            throw new LayoutException("demand past image end: page=" + page + " pages=" + pageCount);
        }
        return this;
    }

    /**
     * @param pageCount pages of the image.
     * @return this for a fluent API.
     */
    public PostcopyDemandFlyweight validateDone(final long pageCount)
    {
        checkHeader(TYPE_POSTCOPY_DONE, LENGTH);
        final long pages = value();
        if (pages < 0 || pages > pageCount)
        {
            throw new LayoutException("bad DONE page count: pages=" + pages + " imagePages=" + pageCount);
        }
        return this;
    }

    /** @return the page (DEMAND) or pages acknowledged (DONE). */
    public long value()
    {
        return buffer.getLong(offset + VALUE_OFFSET, LITTLE_ENDIAN);
    }
}
