package io.ramshift.engine.live;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.image.MappedImage;
import org.agrona.DirectBuffer;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Guest RAM as an in-process writer sees it: reads and writes at {@code long} offsets of a writable mapped
 * image, each write marking its pages in a {@link DirtyPageBitmap} <em>after</em> the bytes land, so a drain
 * that races a write either sends the new bytes or leaves the mark for the next round.
 */
public final class GuestMemory
{
    private final MappedImage image;
    private final DirtyPageBitmap dirty;

    /**
     * @param image mapped writable.
     * @param dirty bitmap the writes mark.
     */
    public GuestMemory(final MappedImage image, final DirtyPageBitmap dirty)
    {
        if (dirty.pageCount() != image.pageCount())
        {
            throw new ImageException("dirty bitmap covers another image: bitmapPages=" + dirty.pageCount() +
                " imagePages=" + image.pageCount());
        }
        this.image = image;
        this.dirty = dirty;
    }

    /** @return bytes of guest memory. */
    public long size()
    {
        return image.size();
    }

    /**
     * @param offset of an 8-byte aligned little-endian value.
     * @return the value.
     */
    public long getLong(final long offset)
    {
        checkRange(offset, 8);
        return image.chunkBuffer(image.chunkIndex(offset)).getLong(image.chunkOffset(offset), LITTLE_ENDIAN);
    }

    /**
     * Write an 8-byte aligned little-endian value and mark its page.
     *
     * @param offset of the value (a multiple of 8, so it never straddles pages).
     * @param value  to store.
     */
    public void putLong(final long offset, final long value)
    {
        checkRange(offset, 8);
        if ((offset & 7) != 0)
        {
            throw new ImageException("unaligned long write: offset=" + offset);
        }
        image.chunkBuffer(image.chunkIndex(offset)).putLongVolatile(image.chunkOffset(offset), value);
        dirty.markPage(offset >>> PAGE_SHIFT);
    }

    /**
     * Copy bytes into guest memory (across pages and mapping chunks) and mark every page touched.
     *
     * @param offset      first byte in guest memory.
     * @param source      bytes to copy.
     * @param sourceIndex first byte of {@code source}.
     * @param length      bytes to copy.
     */
    public void putBytes(final long offset, final DirectBuffer source, final int sourceIndex, final int length)
    {
        checkRange(offset, length);
        long done = 0;
        while (done < length)
        {
            final long at = offset + done;
            final int chunkOffset = image.chunkOffset(at);
            final int n = (int)Math.min(length - done, image.chunkSize() - chunkOffset);
            image.chunkBuffer(image.chunkIndex(at)).putBytes(chunkOffset, source, sourceIndex + (int)done, n);
            done += n;
        }
        markBytes(offset, length);
    }

    /**
     * Fill a range with one byte value and mark every page touched.
     *
     * @param offset first byte.
     * @param length bytes.
     * @param value  byte to store.
     */
    public void setMemory(final long offset, final long length, final byte value)
    {
        checkRange(offset, length);
        long done = 0;
        while (done < length)
        {
            final long at = offset + done;
            final int chunkOffset = image.chunkOffset(at);
            final int n = (int)Math.min(length - done, image.chunkSize() - chunkOffset);
            image.chunkBuffer(image.chunkIndex(at)).setMemory(chunkOffset, n, value);
            done += n;
        }
        markBytes(offset, length);
    }

    private void markBytes(final long offset, final long length)
    {
        if (length > 0)
        {
            final long first = offset >>> PAGE_SHIFT;
            dirty.markRange(first, ((offset + length - 1) >>> PAGE_SHIFT) - first + 1);
        }
    }

    private void checkRange(final long offset, final long length)
    {
        if (offset < 0 || length < 0 || offset > image.size() - length)
        {
            throw new ImageException("guest memory access outside image: offset=" + offset + " length=" + length +
                " size=" + image.size());
        }
    }
}
