package io.ramshift.engine.live;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.image.AtomicPageBitmap;
import io.ramshift.engine.scan.PageClass;
import io.ramshift.engine.scan.RunConsumer;
import io.ramshift.layout.DirtyLogDescriptor;
import io.ramshift.layout.DirtyLogFlyweight;
import io.ramshift.layout.FreePageBitmapFlyweight;
import io.ramshift.layout.LayoutException;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Pages written since the migrator last looked: writers mark pages and ranges with atomic word operations and
 * never block; the migrator drains it round by round, taking each non-zero word with one get-and-clear, so a mark
 * made during a drain is either taken by that drain or left for the next one — never lost.
 */
public final class DirtyPageBitmap
{
    private final AtomicPageBitmap bits;

    /**
     * @param pageCount pages of the image; all start clean.
     */
    public DirtyPageBitmap(final long pageCount)
    {
        this.bits = new AtomicPageBitmap(pageCount);
    }

    /** @return pages covered. */
    public long pageCount()
    {
        return bits.pageCount();
    }

    /**
     * Mark one page written (any thread, lock-free).
     *
     * @param page index of the page.
     */
    public void markPage(final long page)
    {
        checkRange(page, 1);
        bits.set(page);
    }

    /**
     * Mark {@code count} pages from {@code first} written (any thread, lock-free).
     *
     * @param first first page.
     * @param count pages.
     */
    public void markRange(final long first, final long count)
    {
        checkRange(first, count);
        bits.setRange(first, count);
    }

    /** @return pages marked now (a moment's count while writers run). */
    public long dirtyPages()
    {
        return bits.cardinality();
    }

    /**
     * Take every marked page, clearing it, and deliver them as coalesced runs of {@link PageClass#DATA} in
     * ascending order (the class only says "to be resent"; the caller decides zero or data by reading).
     *
     * @param consumer receives the runs.
     * @return pages drained.
     */
    public long drain(final RunConsumer consumer)
    {
        long drained = 0;
        long runFirst = -1;
        long runCount = 0;
        for (int w = 0, n = bits.wordCount(); w < n; w++)
        {
            if (bits.word(w) == 0)
            {
                continue;
            }
            long word = bits.getAndClearWord(w);
            final long base = (long)w << 6;
            while (word != 0)
            {
                final int start = Long.numberOfTrailingZeros(word);
                final int length = Long.numberOfTrailingZeros(~(word >>> start));
                final int ones = Math.min(length, 64 - start);
                final long first = base + start;
                if (runCount > 0 && runFirst + runCount == first)
                {
                    runCount += ones;
                }
                else
                {
                    if (runCount > 0)
                    {
                        consumer.onRun(PageClass.DATA, runFirst, runCount);
                    }
                    runFirst = first;
                    runCount = ones;
                }
                drained += ones;
                word = start + ones >= 64 ? 0 : word & (-1L << (start + ones));
            }
        }
        if (runCount > 0)
        {
            consumer.onRun(PageClass.DATA, runFirst, runCount);
        }
        return drained;
    }

    /**
     * Mark every page a dirty log file names (a hypervisor's dirty logging, or any external writer).
     *
     * @param path      of the dirty log (see {@link DirtyLogDescriptor}).
     * @param pageSize  bytes per page of the image.
     * @return the log's generation.
     */
    public long markFromLog(final Path path, final int pageSize)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final long length = channel.size();
            if (length != DirtyLogDescriptor.lengthForPages(pageCount()) || length > Integer.MAX_VALUE)
            {
                throw new ImageException("dirty log has wrong length: path=" + path + " length=" + length +
                    " expected=" + DirtyLogDescriptor.lengthForPages(pageCount()) + " pages=" + pageCount());
            }
            final ByteBuffer bytes = ByteBuffer.allocateDirect((int)length);
            while (bytes.hasRemaining())
            {
                if (channel.read(bytes) < 0)
                {
                    throw new ImageException("dirty log shrank while read: path=" + path);
                }
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            final DirtyLogFlyweight log = new DirtyLogFlyweight().wrap(buffer, 0);
            log.validate(length, pageSize, pageCount());
            final FreePageBitmapFlyweight marks = new FreePageBitmapFlyweight().wrap(buffer, log.bitmapOffset(),
                (int)(length - DirtyLogDescriptor.HEADER_LENGTH), pageCount());
            for (int w = 0, n = marks.wordCount(); w < n; w++)
            {
                long word = marks.word(w);
                while (word != 0)
                {
                    final int bit = Long.numberOfTrailingZeros(word);
                    bits.set(((long)w << 6) + bit);
                    word &= word - 1;
                }
            }
            return log.generation();
        }
        catch (final NoSuchFileException ex)
        {
            throw new ImageException("dirty log not found: " + path);
        }
        catch (final LayoutException ex)
        {
            throw new ImageException(ex.getMessage() + ": path=" + path);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot read dirty log: path=" + path + ": " + ex.getMessage(), ex);
        }
    }

    private void checkRange(final long first, final long count)
    {
        if (first < 0 || count < 0 || first > pageCount() - count)
        {
            throw new ImageException("dirty range outside image: page=" + first + " count=" + count +
                " pages=" + pageCount());
        }
    }
}
