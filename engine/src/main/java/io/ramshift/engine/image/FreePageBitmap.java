package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import io.ramshift.layout.FreePageBitmapDescriptor;
import io.ramshift.layout.FreePageBitmapFlyweight;
import io.ramshift.layout.LayoutException;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The guest's free-page report for one image, loaded off-heap from a bitmap file and read a word at a time.
 */
public final class FreePageBitmap
{
    private final FreePageBitmapFlyweight flyweight = new FreePageBitmapFlyweight();
    private final long freePages;

    private FreePageBitmap(final UnsafeBuffer buffer, final long pageCount)
    {
        flyweight.wrap(buffer, 0, buffer.capacity(), pageCount);
        long free = 0;
        for (int i = 0, n = flyweight.wordCount(); i < n; i++)
        {
            free += Long.bitCount(flyweight.word(i));
        }
        freePages = free;
    }

    /**
     * Load a bitmap file, checking its length against the image.
     *
     * @param path      of the bitmap file.
     * @param pageCount pages of the image it describes.
     * @return the loaded bitmap.
     */
    public static FreePageBitmap load(final Path path, final long pageCount)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final long length = channel.size();
            try
            {
                FreePageBitmapDescriptor.checkLength(length, pageCount);
            }
            catch (final LayoutException ex)
            {
                throw new ImageException(ex.getMessage() + ": path=" + path);
            }
            if (length > Integer.MAX_VALUE - 64)
            {
                throw new ImageException("free-page bitmap too large: path=" + path + " length=" + length);
            }
            final ByteBuffer buffer = BufferUtil.allocateDirectAligned(Math.max(8, (int)length), 64);
            buffer.limit((int)length);
            while (buffer.hasRemaining())
            {
                if (channel.read(buffer) < 0)
                {
                    throw new ImageException("free-page bitmap shrank while read: path=" + path +
                        " read=" + buffer.position() + " length=" + length);
                }
            }
            return new FreePageBitmap(new UnsafeBuffer(buffer, 0, (int)length), pageCount);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ImageException("free-page bitmap not found: " + path);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot read free-page bitmap: path=" + path + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Wrap a bitmap already in memory (its length must match the page count).
     *
     * @param buffer    holding exactly the bitmap.
     * @param pageCount pages of the image.
     * @return the bitmap.
     */
    public static FreePageBitmap wrap(final UnsafeBuffer buffer, final long pageCount)
    {
        return new FreePageBitmap(buffer, pageCount);
    }

    /** @return pages covered. */
    public long pageCount()
    {
        return flyweight.pageCount();
    }

    /** @return number of 64-bit words. */
    public int wordCount()
    {
        return flyweight.wordCount();
    }

    /**
     * @param wordIndex index of the word.
     * @return free bits of pages {@code wordIndex * 64 ..}; bits past the last page are clear.
     */
    public long word(final int wordIndex)
    {
        return flyweight.word(wordIndex);
    }

    /**
     * @param page index of the page.
     * @return true when reported free.
     */
    public boolean isFree(final long page)
    {
        return flyweight.isFree(page);
    }

    /** @return number of pages reported free. */
    public long freePages()
    {
        return freePages;
    }
}
