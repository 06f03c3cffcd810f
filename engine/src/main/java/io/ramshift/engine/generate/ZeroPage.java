package io.ramshift.engine.generate;

import io.ramshift.engine.image.MappedImage;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks and clears one page in a buffer, a word at a time.
 */
public final class ZeroPage
{
    private static final int PAGE_SIZE = MappedImage.PAGE_SIZE;

    private ZeroPage()
    {
    }

    /**
     * Whether every byte of a page is zero; reads 64 bytes between checks so the common all-zero page costs one
     * branch per cache line and a dirty page is usually rejected at its first line.
     *
     * @param buffer holding the page.
     * @param offset of the page in the buffer.
     * @return true when the page is all zero.
     */
    public static boolean isZero(final UnsafeBuffer buffer, final int offset)
    {
        for (int i = offset, end = offset + PAGE_SIZE; i < end; i += 64)
        {
            final long bits =
                buffer.getLong(i) | buffer.getLong(i + 8) | buffer.getLong(i + 16) | buffer.getLong(i + 24) |
                buffer.getLong(i + 32) | buffer.getLong(i + 40) | buffer.getLong(i + 48) | buffer.getLong(i + 56);
            if (bits != 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Set every byte of a page to zero.
     *
     * @param buffer holding the page.
     * @param offset of the page in the buffer.
     */
    public static void clear(final UnsafeBuffer buffer, final int offset)
    {
        buffer.setMemory(offset, PAGE_SIZE, (byte)0);
    }
}
