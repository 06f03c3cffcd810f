package io.ramshift.layout;

import static io.ramshift.layout.ProtocolDescriptor.*;
import static io.ramshift.layout.RunBatchDescriptor.*;
import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * Flyweight of the RUN_BATCH frame (see {@link RunBatchDescriptor}).
 */
public final class RunBatchFlyweight extends FrameFlyweight
{
    /**
     * Write the fixed part; the frame length follows from the run count and payload length.
     *
     * @param runCount      entries in the table.
     * @param encoding      {@link ProtocolDescriptor#ENCODING_RAW} or {@code ENCODING_LZ4}.
     * @param payloadLength payload bytes as on the wire.
     * @param rawLength     data bytes once decoded.
     * @param sequence      batch sequence number.
     * @return this for a fluent API.
     */
    public RunBatchFlyweight encodeBody(
        final int runCount, final int encoding, final int payloadLength, final int rawLength, final long sequence)
    {
        header(payloadOffset(runCount) + payloadLength, TYPE_RUN_BATCH);
        buffer.putInt(offset + RUN_COUNT_OFFSET, runCount, LITTLE_ENDIAN);
        buffer.putInt(offset + ENCODING_OFFSET, encoding & 0xFF, LITTLE_ENDIAN);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength, LITTLE_ENDIAN);
        buffer.putInt(offset + RAW_LENGTH_OFFSET, rawLength, LITTLE_ENDIAN);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Write run entry {@code index}.
     *
     * @param index     of the entry.
     * @param firstPage first page of the run.
     * @param pageCount pages in the run.
     * @param kind      {@link ProtocolDescriptor#RUN_ZERO} or {@code RUN_DATA}.
     * @return this for a fluent API.
     */
    public RunBatchFlyweight run(final int index, final long firstPage, final int pageCount, final int kind)
    {
        return run(index, firstPage, pageCount, kind, 0L);
    }

    /**
     * Write run entry {@code index} with a reference page (DUP runs).
     *
     * @param index     of the entry.
     * @param firstPage first page of the run.
     * @param pageCount pages in the run.
     * @param kind      one of {@code ProtocolDescriptor.RUN_*}.
     * @param reference first source page of a DUP run, 0 otherwise.
     * @return this for a fluent API.
     */
    public RunBatchFlyweight run(final int index, final long firstPage, final int pageCount, final int kind,
        final long reference)
    {
        final int entry = offset + runEntryOffset(index);
        buffer.putLong(entry + RUN_FIRST_PAGE_OFFSET, firstPage, LITTLE_ENDIAN);
        buffer.putInt(entry + RUN_PAGE_COUNT_OFFSET, pageCount, LITTLE_ENDIAN);
        buffer.putInt(entry + RUN_KIND_OFFSET, kind & 0xFFFF, LITTLE_ENDIAN);
        buffer.putLong(entry + RUN_REFERENCE_OFFSET, reference, LITTLE_ENDIAN);
        return this;
    }

    /**
     * Check the fixed part against the limits; call before reading the table and payload.
     *
     * @param maxFrameLength largest frame the reader accepts.
     * @return this for a fluent API.
     */
    public RunBatchFlyweight validateBody(final int maxFrameLength)
    {
        checkHeader(TYPE_RUN_BATCH, -1);
        final int frameLength = frameLength();
        if (frameLength < BODY_LENGTH || frameLength > maxFrameLength)
        {
            throw new LayoutException("RUN_BATCH length out of range: length=" + frameLength +
                " min=" + BODY_LENGTH + " max=" + maxFrameLength);
        }
        final int runCount = runCount();
        final int encoding = encoding();
        final long payloadLength = payloadLength() & 0xFFFF_FFFFL;
        final long rawLength = rawLength() & 0xFFFF_FFFFL;
        if (runCount <= 0 || runCount > MAX_BATCH_RUNS)
        {
            throw new LayoutException("RUN_BATCH run count out of range: runs=" + runCount + " max=" + MAX_BATCH_RUNS);
        }
        if ((long)BODY_LENGTH + (long)runCount * RUN_ENTRY_LENGTH + payloadLength != frameLength)
        {
            throw new LayoutException("RUN_BATCH lengths disagree: length=" + frameLength + " runs=" + runCount +
                " payload=" + payloadLength);
        }
        if (encoding != ENCODING_RAW && encoding != ENCODING_LZ4)
        {
            throw new LayoutException("RUN_BATCH unknown encoding: encoding=" + encoding);
        }
        if (encoding == ENCODING_RAW && payloadLength != rawLength)
        {
            throw new LayoutException("RUN_BATCH raw payload length differs from raw length: payload=" +
                payloadLength + " raw=" + rawLength);
        }
        if (rawLength > (long)MAX_BATCH_DATA_PAGES * DEFAULT_PAGE_SIZE)
        {
            throw new LayoutException("RUN_BATCH raw length too large: raw=" + rawLength +
                " max=" + (long)MAX_BATCH_DATA_PAGES * DEFAULT_PAGE_SIZE);
        }
        return this;
    }

    /**
     * Check every run entry against the image: counts positive, runs inside the image, kinds known, the data
     * pages adding up to the raw length.
     *
     * @param pageCount pages of the image.
     * @param pageSize  bytes per page.
     * @return this for a fluent API.
     */
    public RunBatchFlyweight validateRuns(final long pageCount, final int pageSize)
    {
        final int runCount = runCount();
        long dataPages = 0;
        for (int i = 0; i < runCount; i++)
        {
            final long first = firstPage(i);
            final long count = pageCount(i) & 0xFFFF_FFFFL;
            final int kind = kind(i);
            if (count == 0)
            {
                throw new LayoutException("empty run: run=" + i + " page=" + first);
            }
            if (first < 0 || first >= pageCount || count > pageCount - first)
            {
                throw new LayoutException("run past image end: page=" + first + " count=" + count +
                    " pages=" + pageCount);
            }
            final long reference = reference(i);
            if (kind == RUN_DATA)
            {
                dataPages += count;
            }
            else if (kind == RUN_DUP || kind == RUN_COPY)
            {
                final String name = kind == RUN_DUP ? "DUP" : "COPY";
                if (reference < 0 || reference >= pageCount || count > pageCount - reference)
                {
                    throw new LayoutException(name + " reference past image end: run=" + i + " reference=" +
                        reference + " count=" + count + " pages=" + pageCount);
                }
                if (reference < first + count && first < reference + count)
                {
                    throw new LayoutException(name + " run overlaps its source: run=" + i + " page=" + first +
                        " reference=" + reference + " count=" + count);
                }
                continue;
            }
            else if (kind != RUN_ZERO)
            {
                throw new LayoutException("unknown run kind: run=" + i + " kind=" + kind);
            }
            if (reference != 0)
            {
                throw new LayoutException("reference set on a run that is not DUP or COPY: run=" + i + " reference=" +
                    reference);
            }
        }
        final long rawLength = rawLength() & 0xFFFF_FFFFL;
        if (dataPages * pageSize != rawLength)
        {
            throw new LayoutException("data pages do not match raw length: dataPages=" + dataPages +
                " pageSize=" + pageSize + " raw=" + rawLength);
        }
        return this;
    }

    /** @return entries in the run table. */
    public int runCount()
    {
        return buffer.getInt(offset + RUN_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /** @return payload encoding. */
    public int encoding()
    {
        return buffer.getByte(offset + ENCODING_OFFSET) & 0xFF;
    }

    /** @return payload bytes as on the wire. */
    public int payloadLength()
    {
        return buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /** @return data bytes once decoded. */
    public int rawLength()
    {
        return buffer.getInt(offset + RAW_LENGTH_OFFSET, LITTLE_ENDIAN);
    }

    /** @return the batch sequence. */
    public long sequence()
    {
        return buffer.getLong(offset + SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index of the run entry.
     * @return first page of the run.
     */
    public long firstPage(final int index)
    {
        return buffer.getLong(offset + runEntryOffset(index) + RUN_FIRST_PAGE_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index of the run entry.
     * @return pages in the run (unsigned).
     */
    public int pageCount(final int index)
    {
        return buffer.getInt(offset + runEntryOffset(index) + RUN_PAGE_COUNT_OFFSET, LITTLE_ENDIAN);
    }

    /**
     * @param index of the run entry.
     * @return kind of the run.
     */
    public int kind(final int index)
    {
        return buffer.getShort(offset + runEntryOffset(index) + RUN_KIND_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    /**
     * @param index of the run entry.
     * @return the reference page (first source page of a DUP run, else 0).
     */
    public long reference(final int index)
    {
        return buffer.getLong(offset + runEntryOffset(index) + RUN_REFERENCE_OFFSET, LITTLE_ENDIAN);
    }

    /** @return offset of the payload from the start of the buffer. */
    public int payloadBufferOffset()
    {
        return offset + payloadOffset(runCount());
    }
}
