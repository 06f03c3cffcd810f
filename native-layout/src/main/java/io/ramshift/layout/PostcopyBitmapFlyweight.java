package io.ramshift.layout;

import static io.ramshift.layout.PostcopyBitmapDescriptor.FIRST_PAGE_OFFSET;
import static io.ramshift.layout.PostcopyBitmapDescriptor.LAST_OFFSET;
import static io.ramshift.layout.PostcopyBitmapDescriptor.TOTAL_PAGES_OFFSET;
import static io.ramshift.layout.PostcopyBitmapDescriptor.WORDS_OFFSET;
import static io.ramshift.layout.PostcopyBitmapDescriptor.WORD_COUNT_OFFSET;
import static io.ramshift.layout.ProtocolDescriptor.MAX_POSTCOPY_BITMAP_WORDS;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_POSTCOPY_MISSING;
import static io.ramshift.layout.ProtocolDescriptor.TYPE_POSTCOPY_PENDING;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of POSTCOPY_PENDING and POSTCOPY_MISSING (see {@link PostcopyBitmapDescriptor}).
 */
public final class PostcopyBitmapFlyweight extends FrameFlyweight
{
    /**
     * Write the fixed part of a chunk; the caller puts the words with {@link #word(int, long)}.
     *
     * @param type       {@code TYPE_POSTCOPY_PENDING} or {@code TYPE_POSTCOPY_MISSING}.
     * @param firstPage  first page covered (a multiple of 64).
     * @param wordCount  words carried.
     * @param last       true on the last chunk.
     * @param totalPages bits set in the whole bitmap.
     * @return this for a fluent API.
     */
    public PostcopyBitmapFlyweight encode(final int type, final long firstPage, final int wordCount,
        final boolean last, final long totalPages)
    {
        header(PostcopyBitmapDescriptor.frameLength(wordCount), type);
        buffer.putLong(offset + FIRST_PAGE_OFFSET, firstPage, LITTLE_ENDIAN);
        buffer.putInt(offset + WORD_COUNT_OFFSET, wordCount, LITTLE_ENDIAN);
        buffer.putInt(offset + LAST_OFFSET, last ? 1 : 0, LITTLE_ENDIAN);
        buffer.putLong(offset + TOTAL_PAGES_OFFSET, totalPages, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check a chunk before any word is used.
     *
     * @param type          expected type.
     * @param pageCount     pages of the image.
     * @param expectedFirst the page the chunk must start at (where the previous one ended).
     * @return this for a fluent API.
     */
    public PostcopyBitmapFlyweight validate(final int type, final long pageCount, final long expectedFirst)
    {
        if (type != TYPE_POSTCOPY_PENDING && type != TYPE_POSTCOPY_MISSING)
        {
            throw new IllegalArgumentException("not a bitmap frame type: " + type);
        }
        checkHeader(type, -1);
        checkMinLength(WORDS_OFFSET);
        final int words = wordCount();
        if (words < 1 || words > MAX_POSTCOPY_BITMAP_WORDS)
        {
            throw new LayoutException("bad bitmap word count: words=" + words + " max=" + MAX_POSTCOPY_BITMAP_WORDS);
        }
        if (frameLength() != PostcopyBitmapDescriptor.frameLength(words))
        {
            throw new LayoutException("bad frame length: type=" + ProtocolDescriptor.typeName(type) + " length=" +
                frameLength() + " expected=" + PostcopyBitmapDescriptor.frameLength(words));
        }
        final long first = firstPage();
        if (first != expectedFirst)
        {
            throw new LayoutException("bitmap chunk out of order: firstPage=" + first + " expected=" + expectedFirst);
        }
        final long end = first + 64L * words;
        final long coverEnd = (pageCount + 63) & ~63L;
        if (end > coverEnd)
        {
            throw new LayoutException("bitmap chunk past image end: firstPage=" + first + " words=" + words +
                " pages=" + pageCount);
        }
        final int lastMark = buffer.getInt(offset + LAST_OFFSET, LITTLE_ENDIAN);
        if (lastMark != 0 && lastMark != 1)
        {
            throw new LayoutException("bad last marker: last=" + lastMark);
        }
        if ((lastMark == 1) != (end == coverEnd))
        {
            throw new LayoutException("last marker disagrees with the image end: last=" + lastMark + " firstPage=" +
                first + " words=" + words + " pages=" + pageCount);
        }
        if (end == coverEnd && (pageCount & 63) != 0)
        {
            final long tail = word(words - 1) & (-1L << (pageCount & 63));
            if (tail != 0)
            {
                throw new LayoutException("bitmap bits past the last page: pages=" + pageCount + " word=0x" +
                    Long.toHexString(word(words - 1)));
            }
        }
        final long total = totalPages();
        if (total < 0 || total > pageCount)
        {
            throw new LayoutException("bad bitmap total: totalPages=" + total + " pages=" + pageCount);
        }
        return this;
    }

    /** @return first page covered. */
    public long firstPage()
    {
        return buffer.getLong(offset + FIRST_PAGE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return words carried. */
    public int wordCount()
    {
        return buffer.getInt(offset + WORD_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return true on the last chunk. */
    public boolean last()
    {
        return buffer.getInt(offset + LAST_OFFSET, LITTLE_ENDIAN) == 1;
    }

    /** @return bits set in the whole bitmap. */
    public long totalPages()
    {
        return buffer.getLong(offset + TOTAL_PAGES_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index word index in this chunk.
     * @return its bits.
     */
    public long word(final int index)
    {
        return buffer.getLong(offset + WORDS_OFFSET + index * 8, LITTLE_ENDIAN);
    }

    /**
     * @param index word index in this chunk.
     * @param bits  its bits.
     * @return this for a fluent API.
     */
    public PostcopyBitmapFlyweight word(final int index, final long bits)
    {
        buffer.putLong(offset + WORDS_OFFSET + index * 8, bits, LITTLE_ENDIAN);
        return this;
    }
}
