package io.ramshift.engine.transfer;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.image.DestinationFile;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;

/**
 * Receiver side of a resumed session, in parallel with the streams: reads the pages the journal holds as durable
 * back from the destination file (through the session's own channel: another descriptor of the file would drop its
 * lock when closed) and adds them to the digest, so the final check covers the whole image and a journal that lied
 * (a destination changed behind its back) fails the session instead of passing it.
 */
final class DurablePageHasher implements Runnable
{
    private static final int BUFFER_PAGES = 256;

    private final DestinationFile file;
    private final long[] durable;
    private final long pageCount;
    private final ImageDigest digest = new ImageDigest();
    private long pages;
    RuntimeException failure;

    DurablePageHasher(final DestinationFile file, final long[] durable, final long pageCount)
    {
        this.file = file;
        this.durable = durable;
        this.pageCount = pageCount;
    }

    public void run()
    {
        try
        {
            final ByteBuffer buffer = BufferUtil.allocateDirectAligned(BUFFER_PAGES << PAGE_SHIFT, 4096);
            final long base = BufferUtil.address(buffer);
            long page = nextDurable(0);
            while (page < pageCount)
            {
                // a run of durable pages, read with one positional read
                int count = 1;
                while (count < BUFFER_PAGES && page + count < pageCount && isDurable(page + count))
                {
                    count++;
                }
                buffer.limit(count << PAGE_SHIFT).position(0);
                file.read(page << PAGE_SHIFT, buffer);
                for (int p = 0; p < count; p++)
                {
                    digest.addPage(page + p, ImageDigest.pageHash(base + ((long)p << PAGE_SHIFT)));
                }
                pages += count;
                page = nextDurable(page + count);
            }
        }
        catch (final RuntimeException ex)
        {
            failure = new DestinationException("cannot read the durable pages back from the destination: " +
                ex.getMessage(), ex);
        }
    }

    private boolean isDurable(final long page)
    {
        return (durable[(int)(page >>> 6)] & (1L << page)) != 0;
    }

    private long nextDurable(final long from)
    {
        long page = from;
        while (page < pageCount)
        {
            final long word = durable[(int)(page >>> 6)] >>> (page & 63);
            if (word != 0)
            {
                return page + Long.numberOfTrailingZeros(word);
            }
            page = (page | 63) + 1;
        }
        return pageCount;
    }

    /** @return digest of the durable pages as the destination holds them. */
    long digest()
    {
        return digest.value();
    }

    /** @return pages read back. */
    long pages()
    {
        return pages;
    }
}
