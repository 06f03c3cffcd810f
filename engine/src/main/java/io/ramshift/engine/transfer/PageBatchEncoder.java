package io.ramshift.engine.transfer;

import io.ramshift.engine.image.MappedImage;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.RunBatchDescriptor;
import io.ramshift.layout.RunBatchFlyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;

/**
 * Builds one RUN_BATCH frame at a time: the run table in a small direct buffer and the data pages as views of
 * the mapped image, sent together with one gathering write (no copy of page bytes in user space).
 */
public final class PageBatchEncoder
{
    private final MappedImage image;
    private final int maxDataPages;
    private final int maxRuns;
    private final int maxSlices;
    private final ByteBuffer headerBytes;
    private final RunBatchFlyweight batch = new RunBatchFlyweight();
    private final ByteBuffer[] gather;
    private final ByteBuffer[][] views;
    private int runCount;
    private int dataPages;
    private int sliceCount;

    /**
     * @param image        the source image.
     * @param maxDataPages data pages per batch (at most {@link ProtocolDescriptor#MAX_BATCH_DATA_PAGES}).
     * @param maxRuns      runs per batch (at most {@link ProtocolDescriptor#MAX_BATCH_RUNS}).
     */
    public PageBatchEncoder(final MappedImage image, final int maxDataPages, final int maxRuns)
    {
        if (maxDataPages < 1 || maxDataPages > ProtocolDescriptor.MAX_BATCH_DATA_PAGES ||
            maxRuns < 1 || maxRuns > ProtocolDescriptor.MAX_BATCH_RUNS)
        {
            throw new IllegalArgumentException("batch limits out of range: dataPages=" + maxDataPages +
                " runs=" + maxRuns);
        }
        this.image = image;
        this.maxDataPages = maxDataPages;
        this.maxRuns = maxRuns;
        this.maxSlices = maxRuns + maxDataPages;
        this.headerBytes = BufferUtil.allocateDirectAligned(RunBatchDescriptor.payloadOffset(maxRuns), 64)
            .order(ByteOrder.LITTLE_ENDIAN);
        this.batch.wrap(new UnsafeBuffer(headerBytes), 0);
        this.gather = new ByteBuffer[1 + maxSlices];
        this.views = new ByteBuffer[maxSlices][];
    }

    /** @return true when no run has been added since the last write. */
    public boolean isEmpty()
    {
        return runCount == 0;
    }

    /** @return runs in the current batch. */
    public int runCount()
    {
        return runCount;
    }

    /** @return data pages in the current batch. */
    public int dataPages()
    {
        return dataPages;
    }

    /**
     * Add a zero run.
     *
     * @param firstPage first page.
     * @param pageCount pages, at most {@link Integer#MAX_VALUE}.
     * @return false when the batch has no room for another run (write it first).
     */
    public boolean addZeroRun(final long firstPage, final int pageCount)
    {
        if (runCount == maxRuns)
        {
            return false;
        }
        batch.run(runCount++, firstPage, pageCount, ProtocolDescriptor.RUN_ZERO);
        return true;
    }

    /**
     * Add as many pages of a data run as fit.
     *
     * @param firstPage first page.
     * @param pageCount pages wanted.
     * @return pages taken, 0 when the batch is full (write it first).
     */
    public int addDataRun(final long firstPage, final long pageCount)
    {
        if (runCount == maxRuns || dataPages == maxDataPages)
        {
            return 0;
        }
        final int taken = (int)Math.min(pageCount, maxDataPages - dataPages);
        batch.run(runCount++, firstPage, taken, ProtocolDescriptor.RUN_DATA);
        long offset = firstPage << PAGE_SHIFT;
        long remaining = (long)taken << PAGE_SHIFT;
        while (remaining > 0)
        {
            final int chunk = image.chunkIndex(offset);
            final int start = image.chunkOffset(offset);
            final int length = (int)Math.min(remaining, image.chunkSize() - start);
            final ByteBuffer view = view(sliceCount, chunk);
            view.limit(start + length).position(start);
            gather[1 + sliceCount++] = view;
            offset += length;
            remaining -= length;
        }
        dataPages += taken;
        return taken;
    }

    private ByteBuffer view(final int slot, final int chunk)
    {
        ByteBuffer[] perChunk = views[slot];
        if (perChunk == null)
        {
            perChunk = new ByteBuffer[image.chunkCount()];
            views[slot] = perChunk;
        }
        ByteBuffer view = perChunk[chunk];
        if (view == null)
        {
            view = image.chunkByteBuffer(chunk).duplicate();
            perChunk[chunk] = view;
        }
        return view;
    }

    /**
     * Write the batch as one RUN_BATCH frame and start an empty one.
     *
     * @param channel  to write to.
     * @param sequence batch sequence number.
     * @return bytes of the frame.
     */
    public int write(final FrameChannel channel, final long sequence)
    {
        final int rawLength = dataPages << PAGE_SHIFT;
        batch.encodeBody(runCount, ProtocolDescriptor.ENCODING_RAW, rawLength, rawLength, sequence);
        final int frameLength = batch.frameLength();
        headerBytes.limit(RunBatchDescriptor.payloadOffset(runCount)).position(0);
        gather[0] = headerBytes;
        channel.write(gather, 1 + sliceCount);
        for (int i = 1; i <= sliceCount; i++)
        {
            gather[i] = null;
        }
        runCount = 0;
        dataPages = 0;
        sliceCount = 0;
        return frameLength;
    }

    /** @return the largest frame this encoder writes. */
    public int maxFrameLength()
    {
        return RunBatchDescriptor.payloadOffset(maxRuns) + (maxDataPages << PAGE_SHIFT);
    }

    /** @return slices a batch may hold; a data run is split at mapping chunk boundaries. */
    int maxSlices()
    {
        return maxSlices;
    }
}
