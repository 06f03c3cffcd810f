package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A guest RAM image file mapped in fixed-size chunks, so images of any size are addressed with {@code long}
 * offsets although one mapping and one {@link UnsafeBuffer} are limited to 2 GiB.
 * <p>
 * The chunk size is a power of two and a multiple of the page size, so a page never straddles two chunks; a run
 * of pages may, and callers split it with {@link #chunkIndex(long)}. Closing unmaps every chunk at once instead of
 * waiting for the garbage collector.
 * <p>
 * The image may be a view of part of its file: page 0 at a base offset that need not be page aligned (guest RAM
 * inside an ELF dump starts after the headers and notes, e.g. at 0x498). Offsets given to and returned by this
 * class are always image offsets.
 */
public final class MappedImage implements AutoCloseable
{
    /** Page size of every image in v1. */
    public static final int PAGE_SIZE = 4096;
    /** log2 of {@link #PAGE_SIZE}. */
    public static final int PAGE_SHIFT = 12;
    /** Default mapping chunk: 1 GiB. */
    public static final long DEFAULT_CHUNK_SIZE = 1L << 30;

    private final Path path;
    private final FileChannel channel;
    private final long baseOffset;
    private final long size;
    private final long pageCount;
    private final long chunkSize;
    private final int chunkShift;
    private final MappedByteBuffer[] chunks;
    private final UnsafeBuffer[] chunkBuffers;
    private boolean closed;

    private MappedImage(final Path path, final FileChannel channel, final long baseOffset, final long size,
        final long chunkSize, final boolean writable)
    {
        this.path = path;
        this.channel = channel;
        this.baseOffset = baseOffset;
        this.size = size;
        this.pageCount = size >>> PAGE_SHIFT;
        this.chunkSize = chunkSize;
        this.chunkShift = Long.numberOfTrailingZeros(chunkSize);
        final int chunkCount = (int)((size + chunkSize - 1) >>> chunkShift);
        this.chunks = new MappedByteBuffer[chunkCount];
        this.chunkBuffers = new UnsafeBuffer[chunkCount];
        final FileChannel.MapMode mode = writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY;
        try
        {
            for (int i = 0; i < chunkCount; i++)
            {
                final long position = (long)i << chunkShift;
                final long length = Math.min(chunkSize, size - position);
                chunks[i] = channel.map(mode, baseOffset + position, length);
                chunkBuffers[i] = new UnsafeBuffer(chunks[i]);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            unmapAll();
            throw new ImageException("cannot map image: path=" + path + " size=" + size +
                (baseOffset != 0 ? " baseOffset=" + baseOffset : "") + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Map an existing image read-only.
     *
     * @param path of the image.
     * @return the mapped image.
     */
    public static MappedImage openReadOnly(final Path path)
    {
        return open(path, false, DEFAULT_CHUNK_SIZE);
    }

    /**
     * Map an existing image.
     *
     * @param path      of the image.
     * @param writable  map read-write (the file must be writable).
     * @param chunkSize bytes per mapping: a power of two, at least one page, at most 1 GiB.
     * @return the mapped image.
     */
    public static MappedImage open(final Path path, final boolean writable, final long chunkSize)
    {
        return open(path, writable, chunkSize, 0, -1);
    }

    /**
     * Map part of a file as an image: page 0 at {@code baseOffset}, {@code size} bytes.
     *
     * @param path       of the file.
     * @param writable   map read-write (the file must be writable).
     * @param chunkSize  bytes per mapping: a power of two, at least one page, at most 1 GiB.
     * @param baseOffset file offset of the image's byte 0 (any alignment).
     * @param size       bytes of the image, or -1 for the file size (then {@code baseOffset} must be 0).
     * @return the mapped image.
     */
    public static MappedImage open(final Path path, final boolean writable, final long chunkSize,
        final long baseOffset, final long size)
    {
        if (Long.bitCount(chunkSize) != 1 || chunkSize < PAGE_SIZE || chunkSize > DEFAULT_CHUNK_SIZE)
        {
            throw new IllegalArgumentException("chunk size must be a power of two in [4096, 1 GiB]: " + chunkSize);
        }
        if (baseOffset < 0 || (size < 0 && baseOffset != 0))
        {
            throw new IllegalArgumentException("bad image view: baseOffset=" + baseOffset + " size=" + size);
        }
        FileChannel channel = null;
        try
        {
            channel = writable ?
                FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE) :
                FileChannel.open(path, StandardOpenOption.READ);
            final long fileLength = channel.size();
            final long imageSize = size < 0 ? fileLength : size;
            checkSize(path, imageSize);
            if (baseOffset > fileLength - imageSize)
            {
                throw new ImageException("image view past file end: path=" + path + " baseOffset=" + baseOffset +
                    " size=" + imageSize + " end=" + (baseOffset + imageSize) + " fileLength=" + fileLength);
            }
            return new MappedImage(path, channel, baseOffset, imageSize, chunkSize, writable);
        }
        catch (final NoSuchFileException ex)
        {
            closeQuietly(channel);
            throw new ImageException("image not found: " + path);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new ImageException("cannot open image: path=" + path + ": " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(channel);
            throw ex;
        }
    }

    /**
     * Check that a size can be an image: positive and a whole number of pages.
     *
     * @param path of the image, for the message.
     * @param size in bytes.
     */
    public static void checkSize(final Path path, final long size)
    {
        if (size <= 0)
        {
            throw new ImageException("image is empty: path=" + path + " size=" + size);
        }
        if ((size & (PAGE_SIZE - 1)) != 0)
        {
            throw new ImageException("image size is not a multiple of the page size: path=" + path +
                " size=" + size + " pageSize=" + PAGE_SIZE + " (truncated image?)");
        }
    }

    /** @return path of the image file. */
    public Path path()
    {
        return path;
    }

    /** @return file offset of the image's byte 0 (0 unless the image is a view inside a larger file). */
    public long baseOffset()
    {
        return baseOffset;
    }

    /** @return bytes of the image. */
    public long size()
    {
        return size;
    }

    /** @return pages of the image. */
    public long pageCount()
    {
        return pageCount;
    }

    /** @return bytes per mapping chunk. */
    public long chunkSize()
    {
        return chunkSize;
    }

    /** @return number of mapping chunks. */
    public int chunkCount()
    {
        return chunks.length;
    }

    /**
     * @param offset in the image.
     * @return index of the chunk holding that byte.
     */
    public int chunkIndex(final long offset)
    {
        return (int)(offset >>> chunkShift);
    }

    /**
     * @param offset in the image.
     * @return offset of that byte inside its chunk.
     */
    public int chunkOffset(final long offset)
    {
        return (int)(offset & (chunkSize - 1));
    }

    /**
     * @param page index of a page.
     * @return first page of the next chunk after the one holding {@code page}.
     */
    public long nextChunkPage(final long page)
    {
        final long pagesPerChunk = chunkSize >>> PAGE_SHIFT;
        return (page / pagesPerChunk + 1) * pagesPerChunk;
    }

    /**
     * @param chunk index of the chunk.
     * @return a buffer over the whole chunk (shared; do not change its wrapping).
     */
    public UnsafeBuffer chunkBuffer(final int chunk)
    {
        return chunkBuffers[chunk];
    }

    /**
     * @param chunk index of the chunk.
     * @return the chunk's mapping; callers take a {@code duplicate()} once and reuse it.
     */
    public ByteBuffer chunkByteBuffer(final int chunk)
    {
        return chunks[chunk];
    }

    /**
     * @param page index of a page.
     * @return native address of its first byte (valid until {@link #close()}).
     */
    public long pageAddress(final long page)
    {
        final long offset = page << PAGE_SHIFT;
        return chunkBuffers[chunkIndex(offset)].addressOffset() + chunkOffset(offset);
    }

    /**
     * Force written pages to the file.
     */
    public void force()
    {
        for (final MappedByteBuffer chunk : chunks)
        {
            chunk.force();
        }
    }

    /**
     * Unmap every chunk and close the file; the buffers and addresses handed out become invalid.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            unmapAll();
            closeQuietly(channel);
        }
    }

    private void unmapAll()
    {
        for (int i = 0; i < chunks.length; i++)
        {
            if (chunks[i] != null)
            {
                chunkBuffers[i].wrap(0, 0);
                IoUtil.unmap(chunks[i]);
                chunks[i] = null;
            }
        }
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
                // nothing left to release
            }
        }
    }
}
