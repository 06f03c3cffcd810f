package io.ramshift.layout;

import static io.ramshift.layout.EndDescriptor.*;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_END;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the END frame (see {@link EndDescriptor}).
 */
public final class EndFlyweight extends FrameFlyweight
{
    /**
     * Write a complete END.
     *
     * @param batchCount batches sent.
     * @param zeroPages  zero pages sent.
     * @param dataPages  data pages sent.
     * @param runCount   runs sent.
     * @param digest     image digest.
     * @return this for a fluent API.
     */
    public EndFlyweight encode(
        final long batchCount, final long zeroPages, final long dataPages, final long runCount, final long digest)
    {
        header(LENGTH, TYPE_END);
        buffer.putLong(offset + BATCH_COUNT_OFFSET, batchCount, LITTLE_ENDIAN);
        buffer.putLong(offset + ZERO_PAGES_OFFSET, zeroPages, LITTLE_ENDIAN);
        buffer.putLong(offset + DATA_PAGES_OFFSET, dataPages, LITTLE_ENDIAN);
        buffer.putLong(offset + RUN_COUNT_OFFSET, runCount, LITTLE_ENDIAN);
        buffer.putLong(offset + DIGEST_OFFSET, digest, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check the header.
     *
     * @return this for a fluent API.
     */
    public EndFlyweight validate()
    {
        checkHeader(TYPE_END, LENGTH);
        return this;
    }

    /** @return batches sent. */
    public long batchCount()
    {
        return buffer.getLong(offset + BATCH_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return zero pages sent. */
    public long zeroPages()
    {
        return buffer.getLong(offset + ZERO_PAGES_OFFSET, LITTLE_ENDIAN);
    }

    /** @return data pages sent. */
    public long dataPages()
    {
        return buffer.getLong(offset + DATA_PAGES_OFFSET, LITTLE_ENDIAN);
    }

    /** @return runs sent. */
    public long runCount()
    {
        return buffer.getLong(offset + RUN_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the image digest. */
    public long digest()
    {
        return buffer.getLong(offset + DIGEST_OFFSET, LITTLE_ENDIAN);
    }
}
