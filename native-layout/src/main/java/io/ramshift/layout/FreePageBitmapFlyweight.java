package io.ramshift.layout;

import org.agrona.MutableDirectBuffer;

import static io.ramshift.layout.FreePageBitmapDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight over a free-page bitmap held in a buffer (see {@link FreePageBitmapDescriptor}).
 */
public final class FreePageBitmapFlyweight
{
    private MutableDirectBuffer buffer;
    private int offset;
    private long pageCount;
    private int wordCount;
    private long lastWordMask;

    /**
     * Wrap a bitmap, checking that the buffer region has exactly the length for the page count.
     *
     * @param buffer    holding the bitmap.
     * @param offset    of the first word.
     * @param length    bytes of the region that holds the bitmap.
     * @param pageCount pages of the image.
     * @return this for a fluent API.
     */
    public FreePageBitmapFlyweight wrap(
        final MutableDirectBuffer buffer, final int offset, final int length, final long pageCount)
    {
        checkLength(length, pageCount);
        this.buffer = buffer;
        this.offset = offset;
        this.pageCount = pageCount;
        this.wordCount = (int)FreePageBitmapDescriptor.wordCount(pageCount);
        this.lastWordMask = FreePageBitmapDescriptor.lastWordMask(pageCount);
        return this;
    }

    /**
     * @return pages covered by the bitmap.
     */
    public long pageCount()
    {
        return pageCount;
    }

    /**
     * @return number of 64-bit words.
     */
    public int wordCount()
    {
        return wordCount;
    }

    /**
     * Read one word; bits past the last page are cleared so callers never see phantom free pages.
     *
     * @param wordIndex index of the word.
     * @return the word's bits, bit {@code b} set when page {@code wordIndex * 64 + b} is free.
     */
    public long word(final int wordIndex)
    {
        final long word = buffer.getLong(offset + wordIndex * WORD_LENGTH, LITTLE_ENDIAN);
        return wordIndex == wordCount - 1 ? word & lastWordMask : word;
    }

    /**
     * Write one word (bits past the last page are written as zero).
     *
     * @param wordIndex index of the word.
     * @param word      bits to store.
     * @return this for a fluent API.
     */
    public FreePageBitmapFlyweight word(final int wordIndex, final long word)
    {
        final long value = wordIndex == wordCount - 1 ? word & lastWordMask : word;
        buffer.putLong(offset + wordIndex * WORD_LENGTH, value, LITTLE_ENDIAN);
        return this;
    }

    /**
     * @param page index of the page.
     * @return true when the guest reported the page free.
     */
    public boolean isFree(final long page)
    {
        checkPage(page);
        return (word((int)(page >>> PAGE_TO_WORD_SHIFT)) & bitMask(page)) != 0;
    }

    /**
     * Mark a page free or in use.
     *
     * @param page index of the page.
     * @param free true to set its bit.
     * @return this for a fluent API.
     */
    public FreePageBitmapFlyweight free(final long page, final boolean free)
    {
        checkPage(page);
        final int wordIndex = (int)(page >>> PAGE_TO_WORD_SHIFT);
        final long word = word(wordIndex);
        return word(wordIndex, free ? word | bitMask(page) : word & ~bitMask(page));
    }

    private void checkPage(final long page)
    {
        if (page < 0 || page >= pageCount)
        {
            throw new LayoutException("page outside bitmap: page=" + page + " pages=" + pageCount);
        }
    }
}
