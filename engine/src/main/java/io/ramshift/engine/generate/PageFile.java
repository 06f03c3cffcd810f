package io.ramshift.engine.generate;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.ImageException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.MappedImage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;
import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * An existing image read and written a page at a time with positional reads and writes, never resized; pages in
 * holes (found once with SEEK_DATA/SEEK_HOLE) read as zeros without touching the file.
 * <p>
 * Positional I/O rather than a mapping: a fault on a hole of a shared mapping reads around it (read_ahead_kb, 8 MiB
 * here) and fills the page cache with zeros, which made a few hundred scattered pages of a sparse 5 GiB image cost
 * seconds of system time.
 */
final class PageFile implements AutoCloseable
{
    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final DataExtents extents;

    private PageFile(final Path path, final FileChannel channel, final long size, final DataExtents extents)
    {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.extents = extents;
    }

    /**
     * Open an image for reading and writing in place.
     *
     * @param path of the image.
     * @return the open image.
     * @throws ImageException when it is missing, empty or not a whole number of pages.
     */
    static PageFile open(final Path path)
    {
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            final long size = channel.size();
            MappedImage.checkSize(path, size);
            return new PageFile(path, channel, size, DataExtents.of(path, size));
        }
        catch (final NoSuchFileException ex)
        {
            throw new ImageException("image not found: path=" + path);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new ImageException("cannot open image for writing: path=" + path + ": " + ex, ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(channel);
            throw ex;
        }
    }

    /** @return path of the image. */
    Path path()
    {
        return path;
    }

    /** @return bytes of the image. */
    long size()
    {
        return size;
    }

    /** @return pages of the image. */
    long pageCount()
    {
        return size >>> PAGE_SHIFT;
    }

    /**
     * @param page index of a page.
     * @return true when the page lies in a hole (reads as zeros) as the image was when opened.
     */
    boolean isHole(final long page)
    {
        final long offset = page << PAGE_SHIFT;
        final int index = extents.firstEndingAfter(offset);
        return index >= extents.count() || extents.start(index) > offset;
    }

    /**
     * Read a page; a page in a hole is zero-filled without a read.
     *
     * @param page   index of the page.
     * @param buffer direct buffer of at least one page; its position and limit are changed.
     * @param hole   whether the page is a hole, from {@link #isHole(long)}.
     */
    void read(final long page, final ByteBuffer buffer, final boolean hole)
    {
        buffer.clear().limit(PAGE_SIZE);
        if (hole)
        {
            while (buffer.hasRemaining())
            {
                buffer.putLong(0);
            }
            return;
        }
        final long offset = page << PAGE_SHIFT;
        try
        {
            while (buffer.hasRemaining())
            {
                if (channel.read(buffer, offset + buffer.position()) < 0)
                {
                    throw new ImageException("image shorter than when opened: path=" + path + " page=" + page +
                        " size=" + size);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot read image: path=" + path + " page=" + page + ": " + ex, ex);
        }
    }

    /**
     * Write a page in place.
     *
     * @param page   index of the page.
     * @param buffer direct buffer holding the page in its first {@link MappedImage#PAGE_SIZE} bytes; its position
     *               and limit are changed.
     */
    void write(final long page, final ByteBuffer buffer)
    {
        buffer.clear().limit(PAGE_SIZE);
        final long offset = page << PAGE_SHIFT;
        try
        {
            while (buffer.hasRemaining())
            {
                channel.write(buffer, offset + buffer.position());
            }
        }
        catch (final IOException ex)
        {
            throw new DestinationException("cannot write image: path=" + path + " page=" + page + ": " + ex, ex);
        }
    }

    /** Force what was written to the device. */
    void force()
    {
        try
        {
            channel.force(false);
        }
        catch (final IOException ex)
        {
            throw new DestinationException("cannot sync image: path=" + path + ": " + ex, ex);
        }
    }

    /** Close the file. */
    public void close()
    {
        closeQuietly(channel);
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // nothing more to do with a file being closed
            }
        }
    }
}
