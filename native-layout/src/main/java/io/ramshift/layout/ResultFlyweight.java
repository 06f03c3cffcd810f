package io.ramshift.layout;

import static io.ramshift.layout.ProtocolDescriptor.*;
import static io.ramshift.layout.ResultDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the RESULT frame (see {@link ResultDescriptor}).
 */
public final class ResultFlyweight extends FrameFlyweight
{
    /**
     * Write a complete RESULT.
     *
     * @param status       {@link ProtocolDescriptor#STATUS_VERIFIED} or {@code STATUS_DIGEST_MISMATCH}.
     * @param pages        pages received.
     * @param digest       digest of what was written.
     * @param bytesWritten bytes written to the destination.
     * @return this for a fluent API.
     */
    public ResultFlyweight encode(final int status, final long pages, final long digest, final long bytesWritten)
    {
        header(LENGTH, TYPE_RESULT);
        buffer.putInt(offset + STATUS_OFFSET, status, LITTLE_ENDIAN);
        buffer.putInt(offset + STATUS_OFFSET + 4, 0, LITTLE_ENDIAN);
        buffer.putLong(offset + PAGES_OFFSET, pages, LITTLE_ENDIAN);
        buffer.putLong(offset + DIGEST_OFFSET, digest, LITTLE_ENDIAN);
        buffer.putLong(offset + BYTES_WRITTEN_OFFSET, bytesWritten, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check the header and the status value.
     *
     * @return this for a fluent API.
     */
    public ResultFlyweight validate()
    {
        checkHeader(TYPE_RESULT, LENGTH);
        final int status = status();
        if (status != STATUS_VERIFIED && status != STATUS_DIGEST_MISMATCH)
        {
            throw new LayoutException("unknown RESULT status: status=" + status);
        }
        return this;
    }

    /** @return the status. */
    public int status()
    {
        return buffer.getInt(offset + STATUS_OFFSET, LITTLE_ENDIAN);
    }

    /** @return pages received. */
    public long pages()
    {
        return buffer.getLong(offset + PAGES_OFFSET, LITTLE_ENDIAN);
    }

    /** @return digest of what was written. */
    public long digest()
    {
        return buffer.getLong(offset + DIGEST_OFFSET, LITTLE_ENDIAN);
    }

    /** @return bytes written to the destination. */
    public long bytesWritten()
    {
        return buffer.getLong(offset + BYTES_WRITTEN_OFFSET, LITTLE_ENDIAN);
    }
}
