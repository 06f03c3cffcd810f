package io.ramshift.layout;

import org.agrona.MutableDirectBuffer;

import static io.ramshift.layout.DirtyLogDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of a dirty log (see {@link DirtyLogDescriptor}); the bitmap after the header is read with
 * {@link FreePageBitmapFlyweight}, whose bit layout it shares.
 */
public final class DirtyLogFlyweight
{
    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * @param buffer holding the log.
     * @param offset of the log.
     * @return this for a fluent API.
     */
    public DirtyLogFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Write the header.
     *
     * @param pageSize   bytes per page.
     * @param pageCount  pages of the image.
     * @param generation number of this log.
     * @return this for a fluent API.
     */
    public DirtyLogFlyweight encode(final int pageSize, final long pageCount, final long generation)
    {
        buffer.putLong(offset + MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        buffer.putShort(offset + VERSION_OFFSET, (short)VERSION, LITTLE_ENDIAN);
        buffer.putShort(offset + VERSION_OFFSET + 2, (short)0, LITTLE_ENDIAN);
        buffer.putInt(offset + PAGE_SIZE_OFFSET, pageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + PAGE_COUNT_OFFSET, pageCount, LITTLE_ENDIAN);
        buffer.putLong(offset + GENERATION_OFFSET, generation, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check the header against the image and the file length.
     *
     * @param length    bytes of the log file.
     * @param pageSize  bytes per page of the image.
     * @param pageCount pages of the image.
     * @return this for a fluent API.
     */
    public DirtyLogFlyweight validate(final long length, final int pageSize, final long pageCount)
    {
        if (length < HEADER_LENGTH)
        {
            throw new LayoutException("dirty log too short: length=" + length + " header=" + HEADER_LENGTH);
        }
        if (buffer.getLong(offset + MAGIC_OFFSET, LITTLE_ENDIAN) != MAGIC)
        {
            throw new LayoutException("not a dirty log: magic=0x" +
                Long.toHexString(buffer.getLong(offset + MAGIC_OFFSET, LITTLE_ENDIAN)));
        }
        final int version = buffer.getShort(offset + VERSION_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        if (version != VERSION)
        {
            throw new LayoutException("unsupported dirty log version: version=" + version + " supported=" + VERSION);
        }
        if (pageSize() != pageSize || pageCount() != pageCount)
        {
            throw new LayoutException("dirty log describes another image: pageSize=" + pageSize() + " pages=" +
                pageCount() + " expected pageSize=" + pageSize + " pages=" + pageCount);
        }
        if (length != lengthForPages(pageCount))
        {
            throw new LayoutException("dirty log has wrong length: length=" + length + " expected=" +
                lengthForPages(pageCount) + " pages=" + pageCount);
        }
        return this;
    }

    /** @return bytes per page. */
    public int pageSize()
    {
        return buffer.getInt(offset + PAGE_SIZE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return pages of the image. */
    public long pageCount()
    {
        return buffer.getLong(offset + PAGE_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return number of this log. */
    public long generation()
    {
        return buffer.getLong(offset + GENERATION_OFFSET, LITTLE_ENDIAN);
    }

    /** @return offset of the bitmap from the start of the buffer. */
    public int bitmapOffset()
    {
        return offset + HEADER_LENGTH;
    }
}
