package io.ramshift.engine.scan;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.image.PageViews;
import io.ramshift.engine.transfer.ImageDigest;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.agrona.collections.LongHashSet;

import java.nio.ByteBuffer;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * Looks inside an image without moving it: scans it into runs, hashes the data pages to find duplicates, and
 * compresses each unique data page with LZ4 to measure the information floor.
 */
public final class ImageInspector implements RunConsumer
{
    private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
    private final ByteBuffer compressed = ByteBuffer.allocateDirect(compressor.maxCompressedLength(PAGE_SIZE));
    private final LongHashSet seen = new LongHashSet();
    private MappedImage image;
    private PageViews views;
    private ImageInspection result;

    /**
     * Inspect an image.
     *
     * @param image   the image.
     * @param bitmap  free-page report, or null.
     * @param extents allocated ranges ({@link DataExtents#whole(long)} when unknown).
     * @return the figures.
     */
    public ImageInspection inspect(final MappedImage image, final FreePageBitmap bitmap, final DataExtents extents)
    {
        final long start = System.nanoTime();
        this.image = image;
        this.views = new PageViews(image);
        this.result = new ImageInspection();
        seen.clear();
        result.pages = image.pageCount();
        result.imageBytes = image.size();
        result.holeBytes = extents.size() - extents.dataBytes();
        try
        {
            new ImageScanner(image, bitmap, extents).scan(0, image.pageCount(), this);
        }
        catch (final InternalError ex)
        {
            throw new ImageException("image changed while inspected (truncated?): " + image.path(), ex);
        }
        result.nanos = System.nanoTime() - start;
        final ImageInspection inspection = result;
        this.image = null;
        this.views = null;
        this.result = null;
        return inspection;
    }

    /**
     * Counts a run and, for data, hashes and compresses its pages.
     */
    public void onRun(final int pageClass, final long firstPage, final long pageCount)
    {
        result.runs[pageClass]++;
        result.histogram[pageClass][ImageInspection.bucket(pageCount)]++;
        if (pageClass == PageClass.FREE)
        {
            result.freePages += pageCount;
            return;
        }
        if (pageClass == PageClass.ZERO)
        {
            result.zeroPages += pageCount;
            return;
        }
        result.dataPages += pageCount;
        for (long page = firstPage, end = firstPage + pageCount; page < end; page++)
        {
            if (!seen.add(ImageDigest.pageHash(image.pageAddress(page))))
            {
                result.duplicatePages++;
                continue;
            }
            result.rawUniqueBytes += PAGE_SIZE;
            result.lz4UniqueBytes += Math.min(PAGE_SIZE, compressedLength(page));
        }
    }

    private int compressedLength(final long page)
    {
        compressed.clear();
        compressor.compress(views.view(page, 1), compressed);
        return compressed.position();
    }
}
