package io.ramshift.layout;

import org.agrona.MutableDirectBuffer;

import static io.ramshift.layout.ManifestDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the manifest header (see {@link ManifestDescriptor}); the checksum function is supplied by the
 * caller so this module stays free of hashing libraries.
 */
public final class ManifestHeaderFlyweight
{
    /** Computes the checksum of the first {@code length} bytes at an address. */
    public interface Checksum
    {
        /**
         * @param buffer holding the header.
         * @param offset of the header.
         * @param length bytes to cover.
         * @return the checksum.
         */
        long of(MutableDirectBuffer buffer, int offset, int length);
    }

    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * @param buffer holding the header.
     * @param offset of the header.
     * @return this for a fluent API.
     */
    public ManifestHeaderFlyweight wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /**
     * Write a complete header, checksum included.
     *
     * @param pageSize  bytes per page.
     * @param imageSize bytes of the image.
     * @param stamp     source modification time in ns, or 0.
     * @param checksum  the header checksum function.
     * @return this for a fluent API.
     */
    public ManifestHeaderFlyweight encode(final int pageSize, final long imageSize, final long stamp,
        final Checksum checksum)
    {
        buffer.setMemory(offset, HEADER_LENGTH, (byte)0);
        buffer.putLong(offset + MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        buffer.putShort(offset + VERSION_OFFSET, (short)VERSION, LITTLE_ENDIAN);
        buffer.putShort(offset + HASH_ALGORITHM_OFFSET, (short)HASH_XXH3, LITTLE_ENDIAN);
        buffer.putInt(offset + PAGE_SIZE_OFFSET, pageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + IMAGE_SIZE_OFFSET, imageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + PAGE_COUNT_OFFSET, imageSize / pageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + STAMP_OFFSET, stamp, LITTLE_ENDIAN);
        buffer.putLong(offset + CHECKSUM_OFFSET, checksum.of(buffer, offset, CHECKSUM_OFFSET), LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check magic, version, algorithm, sizes and checksum against the file length.
     *
     * @param fileLength bytes of the manifest file.
     * @param checksum   the header checksum function.
     * @return this for a fluent API.
     */
    public ManifestHeaderFlyweight validate(final long fileLength, final Checksum checksum)
    {
        if (fileLength < HEADER_LENGTH)
        {
            throw new LayoutException("manifest too short: length=" + fileLength + " header=" + HEADER_LENGTH);
        }
        if (magic() != MAGIC)
        {
            throw new LayoutException("not a ramshift manifest: magic=0x" + Long.toHexString(magic()));
        }
        if (version() != VERSION)
        {
            throw new LayoutException("unsupported manifest version: version=" + version() + " supported=" + VERSION);
        }
        final long expectedChecksum = checksum.of(buffer, offset, CHECKSUM_OFFSET);
        if (headerChecksum() != expectedChecksum)
        {
            throw new LayoutException("manifest header checksum mismatch: stored=0x" +
                Long.toHexString(headerChecksum()) + " computed=0x" + Long.toHexString(expectedChecksum));
        }
        if (hashAlgorithm() != HASH_XXH3)
        {
            throw new LayoutException("unsupported manifest hash algorithm: " + hashAlgorithm());
        }
        final int pageSize = pageSize();
        if (pageSize <= 0 || imageSize() <= 0 || imageSize() % pageSize != 0 || pageCount() != imageSize() / pageSize)
        {
            throw new LayoutException("inconsistent manifest sizes: pageSize=" + pageSize + " imageSize=" +
                imageSize() + " pages=" + pageCount());
        }
        if (fileLength != lengthForPages(pageCount()))
        {
            throw new LayoutException("manifest has wrong length: length=" + fileLength + " expected=" +
                lengthForPages(pageCount()) + " pages=" + pageCount());
        }
        return this;
    }

    /** @return the magic. */
    public long magic()
    {
        return buffer.getLong(offset + MAGIC_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the version. */
    public int version()
    {
        return buffer.getShort(offset + VERSION_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return the hash algorithm. */
    public int hashAlgorithm()
    {
        return buffer.getShort(offset + HASH_ALGORITHM_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /** @return bytes per page. */
    public int pageSize()
    {
        return buffer.getInt(offset + PAGE_SIZE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return bytes of the image. */
    public long imageSize()
    {
        return buffer.getLong(offset + IMAGE_SIZE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return pages of the image. */
    public long pageCount()
    {
        return buffer.getLong(offset + PAGE_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the image stamp. */
    public long stamp()
    {
        return buffer.getLong(offset + STAMP_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the stored header checksum. */
    public long headerChecksum()
    {
        return buffer.getLong(offset + CHECKSUM_OFFSET, LITTLE_ENDIAN);
    }
}
