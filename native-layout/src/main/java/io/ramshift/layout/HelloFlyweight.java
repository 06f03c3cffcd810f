package io.ramshift.layout;

import static io.ramshift.layout.HelloDescriptor.*;
import static io.ramshift.layout.ProtocolDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the HELLO frame (see {@link HelloDescriptor}).
 */
public final class HelloFlyweight extends FrameFlyweight
{
    /**
     * Write a complete HELLO at the wrapped offset.
     *
     * @param pageSize  bytes per page.
     * @param imageSize bytes of the image.
     * @param options   option bits.
     * @param sessionId identifies the session in logs and journals.
     * @return this for a fluent API.
     */
    public HelloFlyweight encode(final int pageSize, final long imageSize, final long options, final long sessionId)
    {
        return encode(pageSize, imageSize, options, sessionId, 0, 1);
    }

    /**
     * Write a complete HELLO for one stream of a multi-stream session.
     *
     * @param pageSize    bytes per page.
     * @param imageSize   bytes of the image.
     * @param options     option bits.
     * @param sessionId   identifies the session; the same on every stream.
     * @param streamIndex index of this stream, 0..streamCount-1.
     * @param streamCount streams of the session.
     * @return this for a fluent API.
     */
    public HelloFlyweight encode(final int pageSize, final long imageSize, final long options, final long sessionId,
        final int streamIndex, final int streamCount)
    {
        header(LENGTH, TYPE_HELLO);
        buffer.putLong(offset + MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        buffer.putShort(offset + VERSION_OFFSET, (short)VERSION, LITTLE_ENDIAN);
        buffer.putShort(offset + STREAM_INDEX_OFFSET, (short)streamIndex, LITTLE_ENDIAN);
        buffer.putInt(offset + PAGE_SIZE_OFFSET, pageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + IMAGE_SIZE_OFFSET, imageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + PAGE_COUNT_OFFSET, imageSize / pageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + OPTIONS_OFFSET, options, LITTLE_ENDIAN);
        buffer.putLong(offset + SESSION_ID_OFFSET, sessionId, LITTLE_ENDIAN);
        buffer.putInt(offset + MAX_FRAME_LENGTH_OFFSET, MAX_FRAME_LENGTH, LITTLE_ENDIAN);
        buffer.putShort(offset + STREAM_COUNT_OFFSET, (short)streamCount, LITTLE_ENDIAN);
        buffer.putShort(offset + STREAM_COUNT_OFFSET + 2, (short)0, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check every field a receiver relies on; throws {@link LayoutException} naming the bad value.
     *
     * @return this for a fluent API.
     */
    public HelloFlyweight validate()
    {
        checkHeader(TYPE_HELLO, LENGTH);
        if (magic() != MAGIC)
        {
            throw new LayoutException("bad magic: 0x" + Long.toHexString(magic()) +
                " expected=0x" + Long.toHexString(MAGIC) + " (not a ramshift sender?)");
        }
        if (version() != VERSION)
        {
            throw new LayoutException("unsupported protocol version: version=" + version() + " supported=" + VERSION);
        }
        final int pageSize = pageSize();
        if (pageSize != DEFAULT_PAGE_SIZE)
        {
            throw new LayoutException("unsupported page size: pageSize=" + pageSize + " supported=" + DEFAULT_PAGE_SIZE);
        }
        final long imageSize = imageSize();
        if (imageSize <= 0 || imageSize % pageSize != 0)
        {
            throw new LayoutException("bad image size: imageSize=" + imageSize + " pageSize=" + pageSize);
        }
        if (pageCount() != imageSize / pageSize)
        {
            throw new LayoutException("page count does not match image size: pages=" + pageCount() +
                " imageSize=" + imageSize + " pageSize=" + pageSize);
        }
        if ((options() & ~KNOWN_OPTIONS) != 0)
        {
            throw new LayoutException("unknown option bits: options=0x" + Long.toHexString(options()));
        }
        if (streamCount() < 1 || streamCount() > MAX_STREAMS || streamIndex() >= streamCount())
        {
            throw new LayoutException("bad stream: index=" + streamIndex() + " count=" + streamCount() +
                " max=" + MAX_STREAMS);
        }
        final int maxFrameLength = maxFrameLength();
        if (maxFrameLength <= 0 || maxFrameLength > MAX_FRAME_LENGTH)
        {
            throw new LayoutException("bad max frame length: " + maxFrameLength + " limit=" + MAX_FRAME_LENGTH);
        }
        return this;
    }

    /** @return the magic field. */
    public long magic()
    {
        return buffer.getLong(offset + MAGIC_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the protocol version. */
    public int version()
    {
        return buffer.getShort(offset + VERSION_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return index of this stream in the session. */
    public int streamIndex()
    {
        return buffer.getShort(offset + STREAM_INDEX_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return streams of the session. */
    public int streamCount()
    {
        return buffer.getShort(offset + STREAM_COUNT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return bytes per page. */
    public int pageSize()
    {
        return buffer.getInt(offset + PAGE_SIZE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return bytes of the image. */
    public long imageSize()
    {
        return buffer.getLong(offset + IMAGE_SIZE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return pages of the image. */
    public long pageCount()
    {
        return buffer.getLong(offset + PAGE_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return option bits. */
    public long options()
    {
        return buffer.getLong(offset + OPTIONS_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the session id. */
    public long sessionId()
    {
        return buffer.getLong(offset + SESSION_ID_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the largest frame the sender will send. */
    public int maxFrameLength()
    {
        return buffer.getInt(offset + MAX_FRAME_LENGTH_OFFSET, LITTLE_ENDIAN);
    }
}
