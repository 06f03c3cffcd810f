package io.ramshift.layout;

import static io.ramshift.layout.PostcopyPagesDescriptor.ENCODING_OFFSET;
import static io.ramshift.layout.PostcopyPagesDescriptor.ENTRIES_OFFSET;
import static io.ramshift.layout.PostcopyPagesDescriptor.ENTRY_COUNT_OFFSET;
import static io.ramshift.layout.PostcopyPagesDescriptor.ENTRY_KIND_OFFSET;
import static io.ramshift.layout.PostcopyPagesDescriptor.ENTRY_LENGTH;
import static io.ramshift.layout.PostcopyPagesDescriptor.ENTRY_PAGE_OFFSET;
import static io.ramshift.layout.PostcopyPagesDescriptor.ENTRY_RESERVED_OFFSET;
import static io.ramshift.layout.PostcopyPagesDescriptor.ORIGIN_OFFSET;
import static io.ramshift.layout.PostcopyPagesDescriptor.RESERVED_OFFSET;
import static io.ramshift.layout.PostcopyPagesDescriptor.VERSION;
import static io.ramshift.layout.PostcopyPagesDescriptor.VERSION_OFFSET;
import static io.ramshift.layout.ProtocolDescriptor.ENCODING_LZ4;
import static io.ramshift.layout.ProtocolDescriptor.ENCODING_RAW;
import static io.ramshift.layout.ProtocolDescriptor.MAX_POSTCOPY_PAGES;
import static io.ramshift.layout.ProtocolDescriptor.POSTCOPY_ORIGIN_DEMAND;
import static io.ramshift.layout.ProtocolDescriptor.POSTCOPY_ORIGIN_PREFETCH;
import static io.ramshift.layout.ProtocolDescriptor.POSTCOPY_ORIGIN_PUSH;
import static io.ramshift.layout.ProtocolDescriptor.RUN_DATA;
import static io.ramshift.layout.ProtocolDescriptor.RUN_ZERO;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_POSTCOPY_PAGES;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of POSTCOPY_PAGES (see {@link PostcopyPagesDescriptor}).
 */
public final class PostcopyPagesFlyweight extends FrameFlyweight
{
    /**
     * Start a frame with no entries; add them with {@link #entry(int, long, int)} and finish with
     * {@link #finish(int, int, int)} (RAW) or {@link #finishLz4(int, int)}.
     *
     * @param origin {@code POSTCOPY_ORIGIN_PUSH} or {@code POSTCOPY_ORIGIN_DEMAND}.
     * @return this for a fluent API.
     */
    public PostcopyPagesFlyweight start(final int origin)
    {
        header(ENTRIES_OFFSET, TYPE_POSTCOPY_PAGES);
        buffer.putByte(offset + ORIGIN_OFFSET, (byte)origin);
        buffer.putByte(offset + VERSION_OFFSET, (byte)VERSION);
        buffer.putByte(offset + ENCODING_OFFSET, (byte)ENCODING_RAW);
        buffer.putByte(offset + RESERVED_OFFSET, (byte)0);
        buffer.putInt(offset + ENTRY_COUNT_OFFSET, 0, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Write entry {@code index}.
     *
     * @param index entry index.
     * @param page  page number.
     * @param kind  {@code RUN_ZERO} or {@code RUN_DATA}.
     * @return this for a fluent API.
     */
    public PostcopyPagesFlyweight entry(final int index, final long page, final int kind)
    {
        final int at = offset + ENTRIES_OFFSET + index * ENTRY_LENGTH;
        buffer.putLong(at + ENTRY_PAGE_OFFSET, page, LITTLE_ENDIAN);
        buffer.putInt(at + ENTRY_KIND_OFFSET, kind, LITTLE_ENDIAN);
        buffer.putInt(at + ENTRY_RESERVED_OFFSET, 0, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Set the entry count and the frame length once entries and page bytes are in place.
     *
     * @param entries   entries written.
     * @param dataPages DATA entries among them.
     * @param pageSize  bytes per page.
     * @return this for a fluent API.
     */
    public PostcopyPagesFlyweight finish(final int entries, final int dataPages, final int pageSize)
    {
        buffer.putByte(offset + ENCODING_OFFSET, (byte)ENCODING_RAW);
        buffer.putInt(offset + ENTRY_COUNT_OFFSET, entries, LITTLE_ENDIAN);
        frameLength(PostcopyPagesDescriptor.frameLength(entries, dataPages, pageSize));
        return this;
    }

    /**
     * Set the entry count, LZ4 encoding and the frame length once entries and the LZ4 block are in place.
     *
     * @param entries       entries written.
     * @param payloadLength bytes of the LZ4 block after the entries.
     * @return this for a fluent API.
     */
    public PostcopyPagesFlyweight finishLz4(final int entries, final int payloadLength)
    {
        buffer.putByte(offset + ENCODING_OFFSET, (byte)ENCODING_LZ4);
        buffer.putInt(offset + ENTRY_COUNT_OFFSET, entries, LITTLE_ENDIAN);
        frameLength(PostcopyPagesDescriptor.lz4FrameLength(entries, payloadLength));
        return this;
    }

    /**
     * Check every entry before a page is applied.
     *
     * @param pageCount pages of the image.
     * @param pageSize  bytes per page.
     * @return this for a fluent API.
     */
    public PostcopyPagesFlyweight validate(final long pageCount, final int pageSize)
    {
        checkHeader(TYPE_POSTCOPY_PAGES, -1);
        checkMinLength(ENTRIES_OFFSET);
        final int version = version();
        if (version != VERSION)
        {
            throw new LayoutException("unsupported POSTCOPY_PAGES version: version=" + version + " expected=" +
                VERSION);
        }
        final int origin = origin();
        if (origin != POSTCOPY_ORIGIN_PUSH && origin != POSTCOPY_ORIGIN_DEMAND && origin != POSTCOPY_ORIGIN_PREFETCH)
        {
            throw new LayoutException("bad post-copy origin: origin=" + origin);
        }
        final int encoding = encoding();
        if (encoding != ENCODING_RAW && encoding != ENCODING_LZ4)
        {
            throw new LayoutException("bad post-copy encoding: encoding=" + encoding);
        }
        final int reservedByte = buffer.getByte(offset + RESERVED_OFFSET) & 0xFF;
        if (reservedByte != 0)
        {
            throw new LayoutException("post-copy frame reserved byte not zero: reserved=" + reservedByte);
        }
        final int entries = entryCount();
        if (entries < 1 || entries > MAX_POSTCOPY_PAGES)
        {
            throw new LayoutException("bad post-copy entry count: entries=" + entries + " max=" + MAX_POSTCOPY_PAGES);
        }
        checkMinLength(ENTRIES_OFFSET + entries * ENTRY_LENGTH);
        int dataPages = 0;
        for (int i = 0; i < entries; i++)
        {
            final long page = page(i);
            if (page < 0 || page >= pageCount)
            {
                throw new LayoutException("post-copy page past image end: page=" + page + " pages=" + pageCount);
            }
            final int kind = kind(i);
            if (kind == RUN_DATA)
            {
                dataPages++;
            }
            else if (kind != RUN_ZERO)
            {
                throw new LayoutException("bad post-copy page kind: page=" + page + " kind=" + kind);
            }
            final int reserved = buffer.getInt(offset + ENTRIES_OFFSET + i * ENTRY_LENGTH + ENTRY_RESERVED_OFFSET,
                LITTLE_ENDIAN);
            if (reserved != 0)
            {
                throw new LayoutException("post-copy entry reserved field not zero: page=" + page + " reserved=" +
                    reserved);
            }
        }
        if (encoding == ENCODING_LZ4)
        {
            // a block is sent only when it shrinks the pages; its decoded size is checked when it is decoded
            final int payload = frameLength() - (ENTRIES_OFFSET + entries * ENTRY_LENGTH);
            final long raw = (long)dataPages * pageSize;
            if (dataPages == 0 || payload < 1 || payload >= raw)
            {
                throw new LayoutException("bad LZ4 payload length: type=POSTCOPY_PAGES payload=" + payload +
                    " raw=" + raw + " entries=" + entries + " dataPages=" + dataPages);
            }
            return this;
        }
        final int expected = PostcopyPagesDescriptor.frameLength(entries, dataPages, pageSize);
        if (frameLength() != expected)
        {
            throw new LayoutException("bad frame length: type=POSTCOPY_PAGES length=" + frameLength() +
                " expected=" + expected + " entries=" + entries + " dataPages=" + dataPages);
        }
        return this;
    }

    /** @return where the pages come from: push or demand reply. */
    public int origin()
    {
        return buffer.getByte(offset + ORIGIN_OFFSET) & 0xFF;
    }

    /** @return the layout version. */
    public int version()
    {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    /** @return {@code ENCODING_RAW} or {@code ENCODING_LZ4}. */
    public int encoding()
    {
        return buffer.getByte(offset + ENCODING_OFFSET) & 0xFF;
    }

    /**
     * @param entries entries of the frame.
     * @return bytes of the payload after the entries (RAW pages or the LZ4 block).
     */
    public int payloadLength(final int entries)
    {
        return frameLength() - (ENTRIES_OFFSET + entries * ENTRY_LENGTH);
    }

    /**
     * @param entries entries of the frame.
     * @return DATA entries among them.
     */
    public int dataPages(final int entries)
    {
        int data = 0;
        for (int i = 0; i < entries; i++)
        {
            if (kind(i) == RUN_DATA)
            {
                data++;
            }
        }
        return data;
    }

    /** @return entries carried. */
    public int entryCount()
    {
        return buffer.getInt(offset + ENTRY_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index entry index.
     * @return its page.
     */
    public long page(final int index)
    {
        return buffer.getLong(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH + ENTRY_PAGE_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index entry index.
     * @return its kind.
     */
    public int kind(final int index)
    {
        return buffer.getInt(offset + ENTRIES_OFFSET + index * ENTRY_LENGTH + ENTRY_KIND_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param entries entries of the frame.
     * @return buffer offset of the first DATA page's bytes.
     */
    public int dataOffset(final int entries)
    {
        return offset + ENTRIES_OFFSET + entries * ENTRY_LENGTH;
    }
}
