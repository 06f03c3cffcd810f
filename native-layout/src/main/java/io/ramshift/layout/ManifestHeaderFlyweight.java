package io.ramshift.layout;

import org.agrona.MutableDirectBuffer;

import static io.ramshift.layout.ManifestDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the manifest header and trailer (see {@link ManifestDescriptor}); the checksum function is supplied
 * by the caller so this module stays free of hashing libraries. The trailer methods need the wrapped buffer to hold
 * the whole file.
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
     * @param pageSize   bytes per page.
     * @param imageSize  bytes of the image.
     * @param imageMtime the image's modification time in ns.
     * @param imageCtime the image's inode change time in ns.
     * @param imageInode the image's inode number.
     * @param checksum   the header checksum function.
     * @return this for a fluent API.
     */
    public ManifestHeaderFlyweight encode(final int pageSize, final long imageSize, final long imageMtime,
        final long imageCtime, final long imageInode, final Checksum checksum)
    {
        buffer.setMemory(offset, HEADER_LENGTH, (byte)0);
        buffer.putLong(offset + MAGIC_OFFSET, MAGIC, LITTLE_ENDIAN);
        buffer.putShort(offset + VERSION_OFFSET, (short)VERSION, LITTLE_ENDIAN);
        buffer.putShort(offset + HASH_ALGORITHM_OFFSET, (short)HASH_XXH3, LITTLE_ENDIAN);
        buffer.putInt(offset + PAGE_SIZE_OFFSET, pageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + IMAGE_SIZE_OFFSET, imageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + PAGE_COUNT_OFFSET, imageSize / pageSize, LITTLE_ENDIAN);
        buffer.putLong(offset + IMAGE_MTIME_OFFSET, imageMtime, LITTLE_ENDIAN);
        buffer.putLong(offset + IMAGE_CTIME_OFFSET, imageCtime, LITTLE_ENDIAN);
        buffer.putLong(offset + IMAGE_INODE_OFFSET, imageInode, LITTLE_ENDIAN);
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
            throw new LayoutException("unsupported manifest version: version=" + version() + " supported=" + VERSION +
                ": rebuild the manifest");
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

    /**
     * Write the trailer: the checksum of the page hashes, which must be in place (after {@link #encode}).
     *
     * @param checksum the checksum function.
     * @return this for a fluent API.
     */
    public ManifestHeaderFlyweight encodeHashesChecksum(final Checksum checksum)
    {
        buffer.putLong(offset + (int)trailerOffset(pageCount()), computeHashesChecksum(checksum), LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check the trailer against the page hashes (after {@link #validate}): one pass over 8 bytes per page.
     *
     * @param checksum the checksum function.
     * @return this for a fluent API.
     */
    public ManifestHeaderFlyweight validateHashes(final Checksum checksum)
    {
        final long computed = computeHashesChecksum(checksum);
        if (hashesChecksum() != computed)
        {
            throw new LayoutException("manifest page-hash checksum mismatch: stored=0x" +
                Long.toHexString(hashesChecksum()) + " computed=0x" + Long.toHexString(computed) + " pages=" +
                pageCount());
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

    /** @return the image's modification time in ns. */
    public long imageMtime()
    {
        return buffer.getLong(offset + IMAGE_MTIME_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the image's inode change time in ns. */
    public long imageCtime()
    {
        return buffer.getLong(offset + IMAGE_CTIME_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the image's inode number. */
    public long imageInode()
    {
        return buffer.getLong(offset + IMAGE_INODE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the stored header checksum. */
    public long headerChecksum()
    {
        return buffer.getLong(offset + CHECKSUM_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the stored checksum of the page hashes (the trailer). */
    public long hashesChecksum()
    {
        return buffer.getLong(offset + (int)trailerOffset(pageCount()), LITTLE_ENDIAN);
    }

    private long computeHashesChecksum(final Checksum checksum)
    {
        return checksum.of(buffer, offset + HEADER_LENGTH, (int)(pageCount() * ENTRY_LENGTH));
    }
}
