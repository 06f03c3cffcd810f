package io.ramshift.engine.verify;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.ImageStamp;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.scan.PageHashWalker;
import io.ramshift.engine.scan.ParallelRanges;
import io.ramshift.engine.transfer.ImageDigest;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ManifestDescriptor;
import io.ramshift.layout.ManifestHeaderFlyweight;
import net.openhft.hashing.LongHashFunction;
import org.agrona.IoUtil;
import org.agrona.UnsafeApi;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * A page-hash manifest file (see {@link ManifestDescriptor}): built from an image in parallel (holes hashed as
 * zero pages without being read) or from hashes already held, opened with every header field and the checksum of
 * the page hashes checked, and compared against an image.
 */
public final class PageManifest implements AutoCloseable, PageHashSource
{
    private static final LongHashFunction XXH3 = LongHashFunction.xx3();
    private static final ManifestHeaderFlyweight.Checksum CHECKSUM =
        (buffer, offset, length) -> XXH3.hashMemory(buffer.addressOffset() + offset, length);

    private final Path path;
    private final MappedByteBuffer mapping;
    private final UnsafeBuffer buffer;
    private final ManifestHeaderFlyweight header = new ManifestHeaderFlyweight();

    private PageManifest(final Path path, final MappedByteBuffer mapping)
    {
        this.path = path;
        this.mapping = mapping;
        this.buffer = new UnsafeBuffer(mapping);
        header.wrap(buffer, 0);
    }

    /**
     * Hash every page of an image into a new manifest file, stamped with the image file's stamp read before hashing.
     *
     * @param image   the image.
     * @param extents its allocated ranges; pages outside are hashed as zero pages without reading.
     * @param out     manifest file to write (replaced).
     * @param threads worker threads.
     */
    public static void write(final MappedImage image, final DataExtents extents, final Path out, final int threads)
    {
        write(image, extents, out, threads, ImageStamp.of(image.path()));
    }

    /**
     * Hash every page of an image into a new manifest file.
     *
     * @param image   the image.
     * @param extents its allocated ranges; pages outside are hashed as zero pages without reading.
     * @param out     manifest file to write (replaced).
     * @param threads worker threads.
     * @param stamp   the image file's stamp to record (its size is not recorded; the image's is).
     */
    static void write(final MappedImage image, final DataExtents extents, final Path out, final int threads,
        final ImageStamp stamp)
    {
        try
        {
            writeFile(out, image.size(), stamp, (buffer) ->
            {
                final Runnable[] workers = new Runnable[Math.max(1, threads)];
                for (int i = 0; i < workers.length; i++)
                {
                    final long from = ParallelRanges.sliceStart(image.pageCount(), workers.length, i);
                    final long to = ParallelRanges.sliceStart(image.pageCount(), workers.length, i + 1);
                    workers[i] = new HashWorker(image, extents, buffer, from, to);
                }
                ParallelRanges.run("ramshift-manifest", workers);
            });
        }
        catch (final InternalError ex)
        {
            throw new ImageException("image changed while hashed (truncated?): " + image.path(), ex);
        }
    }

    /**
     * Write a manifest file from page hashes already held, without reading the image.
     *
     * @param hashes    the hash of every page.
     * @param imageSize bytes of the image.
     * @param out       manifest file to write (replaced).
     * @param stamp     the image file's stamp to record (its size is not recorded; imageSize is).
     */
    static void write(final PageHashSource hashes, final long imageSize, final Path out, final ImageStamp stamp)
    {
        final long pageCount = imageSize >>> PAGE_SHIFT;
        writeFile(out, imageSize, stamp, (buffer) ->
        {
            for (long page = 0; page < pageCount; page++)
            {
                buffer.putLong((int)ManifestDescriptor.entryOffset(page), hashes.pageHash(page), LITTLE_ENDIAN);
            }
        });
    }

    private static void writeFile(final Path out, final long imageSize, final ImageStamp stamp,
        final Consumer<UnsafeBuffer> fillHashes)
    {
        final long length = ManifestDescriptor.lengthForPages(imageSize >>> PAGE_SHIFT);
        checkMappable(out, length);
        try
        {
            Files.deleteIfExists(out);
            try (RandomAccessFile file = new RandomAccessFile(out.toFile(), "rw"))
            {
                file.setLength(length);
                final MappedByteBuffer mapping = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, length);
                try
                {
                    final UnsafeBuffer buffer = new UnsafeBuffer(mapping);
                    fillHashes.accept(buffer);
                    new ManifestHeaderFlyweight().wrap(buffer, 0)
                        .encode(MappedImage.PAGE_SIZE, imageSize, stamp.mtimeNanos(), stamp.ctimeNanos(),
                            stamp.inode(), CHECKSUM)
                        .encodeHashesChecksum(CHECKSUM);
                    mapping.force();
                }
                finally
                {
                    IoUtil.unmap(mapping);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new RamshiftException("cannot write manifest: path=" + out + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Open and validate a manifest.
     *
     * @param path of the manifest.
     * @return the open manifest.
     */
    public static PageManifest open(final Path path)
    {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final long length = channel.size();
            if (length < ManifestDescriptor.HEADER_LENGTH)
            {
                throw new ImageException("manifest too short: path=" + path + " length=" + length);
            }
            checkMappable(path, length);
            final PageManifest manifest = new PageManifest(path, channel.map(FileChannel.MapMode.READ_ONLY, 0, length));
            try
            {
                manifest.header.validate(length, CHECKSUM).validateHashes(CHECKSUM);
            }
            catch (final LayoutException ex)
            {
                manifest.close();
                throw new ImageException(ex.getMessage() + ": path=" + path);
            }
            return manifest;
        }
        catch (final NoSuchFileException ex)
        {
            throw new ImageException("manifest not found: " + path);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot read manifest: path=" + path + ": " + ex.getMessage(), ex);
        }
    }

    private static void checkMappable(final Path path, final long length)
    {
        if (length > Integer.MAX_VALUE)
        {
            throw new ImageException("manifest larger than 2 GiB is not supported: path=" + path + " length=" + length);
        }
    }

    /** @return path of the manifest. */
    public Path path()
    {
        return path;
    }

    /** @return pages of the image it describes. */
    public long pageCount()
    {
        return header.pageCount();
    }

    /** @return bytes of the image it describes. */
    public long imageSize()
    {
        return header.imageSize();
    }

    /** @return bytes per page of the image it describes. */
    public int pageSize()
    {
        return header.pageSize();
    }

    /**
     * @return the image file's stamp when it was hashed: its mtime, ctime and inode as recorded, and the image
     * size (the file size for a raw image).
     */
    public ImageStamp stamp()
    {
        return new ImageStamp(header.imageSize(), header.imageMtime(), header.imageCtime(), header.imageInode());
    }

    /**
     * @param page index of the page.
     * @return its xxh3.
     */
    public long pageHash(final long page)
    {
        return buffer.getLong((int)ManifestDescriptor.entryOffset(page), LITTLE_ENDIAN);
    }

    /**
     * Copy every page hash, in page order, to native memory (little-endian u64s; one copy, no per-page calls).
     *
     * @param address where to put {@code 8 × pageCount()} bytes.
     */
    public void copyHashesTo(final long address)
    {
        UnsafeApi.copyMemory(buffer.addressOffset() + ManifestDescriptor.entryOffset(0), address, pageCount() << 3);
    }

    /**
     * Compare an image against this manifest page by page, skipping free pages.
     *
     * @param image   the image (same size).
     * @param extents its allocated ranges.
     * @param bitmap  free pages to skip, or null.
     * @param threads worker threads.
     * @return the comparison.
     */
    public ImageComparison compare(final MappedImage image, final DataExtents extents, final FreePageBitmap bitmap,
        final int threads)
    {
        if (image.size() != imageSize())
        {
            throw new ImageException("manifest describes another image size: manifest=" + path + " imageSize=" +
                imageSize() + " " + image.path() + " size=" + image.size());
        }
        final long start = System.nanoTime();
        final CompareWorker[] workers = new CompareWorker[Math.max(1, threads)];
        for (int i = 0; i < workers.length; i++)
        {
            workers[i] = new CompareWorker(this, image, extents, bitmap,
                ParallelRanges.sliceStart(image.pageCount(), workers.length, i),
                ParallelRanges.sliceStart(image.pageCount(), workers.length, i + 1));
        }
        try
        {
            ParallelRanges.run("ramshift-verify", workers);
        }
        catch (final InternalError ex)
        {
            throw new ImageException("image changed while hashed (truncated?): " + image.path(), ex);
        }
        long free = 0;
        long compared = 0;
        long differing = 0;
        final LongArrayList first = new LongArrayList();
        for (final CompareWorker worker : workers)
        {
            free += worker.free;
            compared += worker.compared;
            differing += worker.differing;
            for (int i = 0; i < worker.first.size() && first.size() < ImageComparison.MAX_LISTED; i++)
            {
                first.addLong(worker.first.getLong(i));
            }
        }
        return new ImageComparison(image.pageCount(), free, compared, differing, first, System.nanoTime() - start);
    }

    /**
     * Unmap the manifest.
     */
    public void close()
    {
        buffer.wrap(0, 0);
        IoUtil.unmap(mapping);
    }

    private static final class HashWorker extends PageHashWalker
    {
        private final UnsafeBuffer out;

        HashWorker(final MappedImage image, final DataExtents extents, final UnsafeBuffer out, final long fromPage,
            final long toPage)
        {
            super(image, extents, fromPage, toPage);
            this.out = out;
        }

        protected void onPage(final long page, final long hash)
        {
            out.putLong((int)ManifestDescriptor.entryOffset(page), hash, LITTLE_ENDIAN);
        }
    }

    private static final class CompareWorker extends PageHashWalker
    {
        private final PageManifest manifest;
        private final FreePageBitmap bitmap;
        private final LongArrayList first = new LongArrayList();
        private long free;
        private long compared;
        private long differing;

        CompareWorker(final PageManifest manifest, final MappedImage image, final DataExtents extents,
            final FreePageBitmap bitmap, final long fromPage, final long toPage)
        {
            super(image, extents, fromPage, toPage);
            this.manifest = manifest;
            this.bitmap = bitmap;
        }

        protected boolean wants(final long page)
        {
            if (bitmap != null && bitmap.isFree(page))
            {
                free++;
                return false;
            }
            return true;
        }

        protected void onPage(final long page, final long hash)
        {
            if (!wants(page))
            {
                return;
            }
            compared++;
            if (hash != manifest.pageHash(page))
            {
                differing++;
                if (first.size() < ImageComparison.MAX_LISTED)
                {
                    first.addLong(page);
                }
            }
        }
    }
}
