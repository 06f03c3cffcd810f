package io.ramshift.engine.image;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An off-heap bitmap of pages that any number of threads set and read without locks: single bits with a
 * compare-and-set loop on their word, whole words with one ordered store, drains with get-and-set per word.
 * Layout is the free-page bitmap's: bit {@code i % 64} of little-endian word {@code i / 64}.
 */
public final class AtomicPageBitmap
{
    /** Most pages a bitmap covers: its words are addressed with an int byte offset. */
    public static final long MAX_PAGES = (long)(Integer.MAX_VALUE / 8) * 64;

    private final long pageCount;
    private final int wordCount;
    private final UnsafeBuffer words;

    /**
     * @param pageCount pages covered; all bits start clear.
     */
    public AtomicPageBitmap(final long pageCount)
    {
        final long count = (pageCount + 63) >>> 6;
        if (pageCount < 0 || pageCount > MAX_PAGES)
        {
            throw new IllegalArgumentException("page count out of range: " + pageCount);
        }
        this.pageCount = pageCount;
        this.wordCount = (int)count;
        this.words = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(8, wordCount * 8), 64));
    }

    /** @return pages covered. */
    public long pageCount()
    {
        return pageCount;
    }

    /** @return number of 64-bit words. */
    public int wordCount()
    {
        return wordCount;
    }

    /**
     * Set one page's bit.
     *
     * @param page index of the page.
     */
    public void set(final long page)
    {
        orWord((int)(page >>> 6), 1L << (page & 63));
    }

    /**
     * Set the bits of {@code count} pages from {@code first}.
     *
     * @param first first page.
     * @param count pages.
     */
    public void setRange(final long first, final long count)
    {
        long page = first;
        final long end = first + count;
        while (page < end)
        {
            final int word = (int)(page >>> 6);
            final int bit = (int)(page & 63);
            final int bits = (int)Math.min(64 - bit, end - page);
            if (bits == 64)
            {
                words.putLongOrdered(word << 3, -1L);
            }
            else
            {
                orWord(word, ((bits == 64 ? 0 : (1L << bits)) - 1) << bit);
            }
            page += bits;
        }
    }

    /**
     * @param page index of the page.
     * @return true when its bit is set.
     */
    public boolean isSet(final long page)
    {
        return (words.getLongVolatile((int)(page >>> 6) << 3) & (1L << (page & 63))) != 0;
    }

    /**
     * @param first first page.
     * @param count pages.
     * @return true when every one of the pages is set.
     */
    public boolean allSet(final long first, final long count)
    {
        long page = first;
        final long end = first + count;
        while (page < end)
        {
            final int bit = (int)(page & 63);
            final int bits = (int)Math.min(64 - bit, end - page);
            final long mask = bits == 64 ? -1L : ((1L << bits) - 1) << bit;
            if ((words.getLongVolatile((int)(page >>> 6) << 3) & mask) != mask)
            {
                return false;
            }
            page += bits;
        }
        return true;
    }

    /**
     * @param first first page.
     * @param count pages.
     * @return true when none of the pages is set.
     */
    public boolean noneSet(final long first, final long count)
    {
        long page = first;
        final long end = first + count;
        while (page < end)
        {
            final int bit = (int)(page & 63);
            final int bits = (int)Math.min(64 - bit, end - page);
            final long mask = bits == 64 ? -1L : ((1L << bits) - 1) << bit;
            if ((words.getLongVolatile((int)(page >>> 6) << 3) & mask) != 0)
            {
                return false;
            }
            page += bits;
        }
        return true;
    }

    /**
     * @param wordIndex index of a word.
     * @return its bits (a volatile read).
     */
    public long word(final int wordIndex)
    {
        return words.getLongVolatile(wordIndex << 3);
    }

    /**
     * Take a word's bits and clear them in one atomic step, so a bit set concurrently is either returned now or
     * still set afterwards: never lost.
     *
     * @param wordIndex index of a word.
     * @return the bits it held.
     */
    public long getAndClearWord(final int wordIndex)
    {
        return words.getAndSetLong(wordIndex << 3, 0L);
    }

    /** @return pages whose bit is set (a moment's count while writers run). */
    public long cardinality()
    {
        long total = 0;
        for (int i = 0; i < wordCount; i++)
        {
            total += Long.bitCount(words.getLongVolatile(i << 3));
        }
        return total;
    }

    /**
     * Set one page's bit unless it is set already: of any number of threads racing for a page, exactly one wins.
     *
     * @param page index of the page.
     * @return true when this call set the bit.
     */
    public boolean trySet(final long page)
    {
        final int offset = (int)(page >>> 6) << 3;
        final long mask = 1L << (page & 63);
        long current;
        do
        {
            current = words.getLongVolatile(offset);
            if ((current & mask) != 0)
            {
                return false;
            }
        }
        while (!words.compareAndSetLong(offset, current, current | mask));
        return true;
    }

    /**
     * Replace a whole word (one ordered store).
     *
     * @param wordIndex index of a word.
     * @param bits      its new bits.
     */
    public void putWord(final int wordIndex, final long bits)
    {
        words.putLongOrdered(wordIndex << 3, bits);
    }

    /**
     * @param from first page to look at.
     * @return the first page at or after {@code from} whose bit is clear, or -1 when there is none.
     */
    public long nextClear(final long from)
    {
        if (from >= pageCount)
        {
            return -1;
        }
        int word = (int)(from >>> 6);
        long bits = ~words.getLongVolatile(word << 3) & (-1L << (from & 63));
        while (true)
        {
            if (bits != 0)
            {
                final long page = ((long)word << 6) + Long.numberOfTrailingZeros(bits);
                return page < pageCount ? page : -1;
            }
            if (++word >= wordCount)
            {
                return -1;
            }
            bits = ~words.getLongVolatile(word << 3);
        }
    }

    private void orWord(final int word, final long mask)
    {
        final int offset = word << 3;
        long current;
        do
        {
            current = words.getLongVolatile(offset);
            if ((current & mask) == mask)
            {
                return;
            }
        }
        while (!words.compareAndSetLong(offset, current, current | mask));
    }
}
