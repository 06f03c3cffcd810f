package io.ramshift.engine.transfer;

import io.ramshift.engine.image.MappedImage;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.RunBatchDescriptor;
import io.ramshift.layout.RunBatchFlyweight;
import org.agrona.BufferUtil;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;
import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * Builds one RUN_BATCH frame at a time. RAW batches go out as the run table plus views of the mapped image in
 * one gathering write (no copy of page bytes in user space). With LZ4 on, the first data page is compressed as a
 * probe; only when it shrinks is the whole batch copied into a staging buffer and compressed as one block, and
 * the block is sent only when it saves at least 1/16 — incompressible batches cost one page of LZ4, not a batch.
 * <p>
 * LZ4 runs at about 1 GB/s per core on page data, slower than loopback or a 10 Gbit/s link, so by default it is
 * used only while the link is the bottleneck (see {@link Lz4BlockCompressor}, whose rules post-copy pushes share).
 */
public final class PageBatchEncoder
{
    private final MappedImage image;
    private final int maxDataPages;
    private final int maxRuns;
    private final ByteBuffer headerBytes;
    private final RunBatchFlyweight batch = new RunBatchFlyweight();
    private final ByteBuffer[] gather;
    private final ByteBuffer[][] views;
    private final Lz4BlockCompressor compressor;
    private final UnsafeBuffer staging;
    private final ByteBuffer stagingBytes;
    private final boolean copyPages;
    private final long stagingAddress;
    private int runCount;
    private int dataPages;
    private int sliceCount;

    /** When the batch's first run was scanned (set by the scanning thread, read by the writer). */
    long startNanos;
    /** Batches sent as one LZ4 block. */
    public long lz4Batches;
    /** Batches with data sent raw. */
    public long rawBatches;
    /** Bytes of data pages before encoding. */
    public long rawDataBytes;
    /** Bytes of payload after encoding. */
    public long payloadBytes;
    /** Nanoseconds spent probing, copying and compressing. */
    public long compressNanos;
    /** Nanoseconds spent in socket writes. */
    public long writeNanos;

    /**
     * @param image        the source image.
     * @param maxDataPages data pages per batch (at most {@link ProtocolDescriptor#MAX_BATCH_DATA_PAGES}).
     * @param maxRuns      runs per batch (at most {@link ProtocolDescriptor#MAX_BATCH_RUNS}).
     * @param lz4          compress batches that shrink while the link is the bottleneck.
     * @param lz4Always    compress batches that shrink whatever the link.
     */
    public PageBatchEncoder(final MappedImage image, final int maxDataPages, final int maxRuns, final boolean lz4,
        final boolean lz4Always)
    {
        this(image, maxDataPages, maxRuns, lz4, lz4Always, false);
    }

    /**
     * @param image        the source image.
     * @param maxDataPages data pages per batch (at most {@link ProtocolDescriptor#MAX_BATCH_DATA_PAGES}).
     * @param maxRuns      runs per batch (at most {@link ProtocolDescriptor#MAX_BATCH_RUNS}).
     * @param lz4          compress batches that shrink while the link is the bottleneck.
     * @param lz4Always    compress batches that shrink whatever the link.
     * @param copyPages    copy data pages when they are added (an image another process keeps writing: the bytes
     *                     sent must be the bytes hashed, see {@link #stagedPageAddress(int)}).
     */
    public PageBatchEncoder(final MappedImage image, final int maxDataPages, final int maxRuns, final boolean lz4,
        final boolean lz4Always, final boolean copyPages)
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
        final int maxSlices = maxRuns + maxDataPages;
        this.headerBytes = BufferUtil.allocateDirectAligned(RunBatchDescriptor.payloadOffset(maxRuns), 64)
            .order(ByteOrder.LITTLE_ENDIAN);
        this.batch.wrap(new UnsafeBuffer(headerBytes), 0);
        this.gather = new ByteBuffer[1 + maxSlices];
        this.views = new ByteBuffer[maxSlices][];
        this.copyPages = copyPages;
        if (lz4 || copyPages)
        {
            this.stagingBytes = BufferUtil.allocateDirectAligned(maxDataPages << PAGE_SHIFT, 4096);
            this.staging = new UnsafeBuffer(stagingBytes);
            this.stagingAddress = staging.addressOffset();
        }
        else
        {
            this.stagingBytes = null;
            this.staging = null;
            this.stagingAddress = 0;
        }
        this.compressor = lz4 ? new Lz4BlockCompressor(maxDataPages << PAGE_SHIFT, lz4Always) : null;
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
     * Add a run of pages equal to pages already sent on this stream.
     *
     * @param firstPage first page.
     * @param pageCount pages.
     * @param reference first page of the equal pages already sent.
     * @return false when the batch has no room for another run (write it first).
     */
    public boolean addDupRun(final long firstPage, final int pageCount, final long reference)
    {
        return addReferenceRun(ProtocolDescriptor.RUN_DUP, firstPage, pageCount, reference);
    }

    /**
     * Add a run of pages that equal pages the destination holds and this session does not write (delta).
     *
     * @param firstPage first page.
     * @param pageCount pages.
     * @param reference first of the destination's equal pages.
     * @return false when the batch has no room for another run (write it first).
     */
    public boolean addCopyRun(final long firstPage, final int pageCount, final long reference)
    {
        return addReferenceRun(ProtocolDescriptor.RUN_COPY, firstPage, pageCount, reference);
    }

    private boolean addReferenceRun(final int kind, final long firstPage, final int pageCount, final long reference)
    {
        if (runCount == maxRuns)
        {
            return false;
        }
        batch.run(runCount++, firstPage, pageCount, kind, reference);
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
        if (copyPages)
        {
            for (int i = 0; i < taken; i++)
            {
                UnsafeApi.copyMemory(image.pageAddress(firstPage + i),
                    stagingAddress + ((long)(dataPages + i) << PAGE_SHIFT), PAGE_SIZE);
            }
            dataPages += taken;
            return taken;
        }
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

    /**
     * @param index of a data page in the current batch (0 for its first data page).
     * @return native address of the copy that will be sent (only when pages are copied on add).
     */
    public long stagedPageAddress(final int index)
    {
        if (!copyPages || index < 0 || index >= dataPages)
        {
            throw new IllegalStateException("no staged page: index=" + index + " dataPages=" + dataPages +
                " copyPages=" + copyPages);
        }
        return stagingAddress + ((long)index << PAGE_SHIFT);
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
        if (copyPages && rawLength > 0)
        {
            stagingBytes.limit(rawLength).position(0);
            gather[1] = stagingBytes;
            sliceCount = 1;
        }
        final int compressedLength = rawLength > 0 && compressor != null && compressor.wanted() ?
            compress(rawLength) : -1;
        final long start = System.nanoTime();
        final int frameLength;
        if (compressedLength > 0)
        {
            batch.encodeBody(runCount, ProtocolDescriptor.ENCODING_LZ4, compressedLength, rawLength, sequence);
            headerBytes.limit(RunBatchDescriptor.payloadOffset(runCount)).position(0);
            final ByteBuffer compressed = compressor.compressed();
            compressed.limit(compressedLength).position(0);
            gather[0] = headerBytes;
            gather[1] = compressed;
            channel.write(gather, 2);
            lz4Batches++;
            payloadBytes += compressedLength;
        }
        else
        {
            batch.encodeBody(runCount, ProtocolDescriptor.ENCODING_RAW, rawLength, rawLength, sequence);
            headerBytes.limit(RunBatchDescriptor.payloadOffset(runCount)).position(0);
            gather[0] = headerBytes;
            channel.write(gather, 1 + sliceCount);
            if (rawLength > 0)
            {
                rawBatches++;
            }
            payloadBytes += rawLength;
        }
        final long took = System.nanoTime() - start;
        writeNanos += took;
        frameLength = batch.frameLength();
        if (compressor != null)
        {
            compressor.written(took, frameLength);
        }
        rawDataBytes += rawLength;
        for (int i = 1; i <= sliceCount; i++)
        {
            gather[i] = null;
        }
        runCount = 0;
        dataPages = 0;
        sliceCount = 0;
        return frameLength;
    }

    /**
     * @return the LZ4 length of the batch's data when it is worth sending compressed, else -1.
     */
    private int compress(final int rawLength)
    {
        final long start = System.nanoTime();
        try
        {
            final ByteBuffer first = gather[1];
            if (!compressor.probe(first, first.position()))
            {
                return -1;
            }
            if (copyPages)
            {
                return compressor.compress(stagingBytes, 0, rawLength);
            }
            int position = 0;
            for (int i = 1; i <= sliceCount; i++)
            {
                final ByteBuffer slice = gather[i];
                final int length = slice.remaining();
                staging.putBytes(position, slice, slice.position(), length);
                position += length;
            }
            return compressor.compress(stagingBytes, 0, rawLength);
        }
        finally
        {
            compressNanos += System.nanoTime() - start;
        }
    }

    /** @return the largest frame this encoder writes. */
    public int maxFrameLength()
    {
        return RunBatchDescriptor.payloadOffset(maxRuns) +
            (compressor == null ? maxDataPages << PAGE_SHIFT : compressor.maxCompressedLength());
    }
}
