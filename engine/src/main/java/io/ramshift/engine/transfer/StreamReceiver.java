package io.ramshift.engine.transfer;

import io.ramshift.engine.image.AtomicPageBitmap;
import io.ramshift.engine.image.DestinationFile;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.layout.DeviceStateFlyweight;
import io.ramshift.layout.EndFlyweight;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.RunBatchFlyweight;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;
import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * One stream of a receive: reads RUN_BATCH frames until END, checks every field before touching the file,
 * decodes LZ4, copies DUP runs only from pages this session already wrote, and writes with positional writes.
 */
final class StreamReceiver implements Runnable
{
    private static final int COPY_BUFFER_PAGES = 256;

    private FrameChannel frames;
    private io.ramshift.engine.postcopy.PostcopyDestination postcopy;
    private java.nio.channels.ByteChannel channel;
    private io.ramshift.engine.postcopy.PostcopyConnection postcopyConnection;
    private io.ramshift.engine.postcopy.PostcopyConnection postcopyPriority;
    private final DestinationFile file;
    private final AtomicPageBitmap received;
    private final long pageCount;
    private final int streamIndex;
    private final RunBatchFlyweight batch = new RunBatchFlyweight();
    private final EndFlyweight end = new EndFlyweight();
    private final ImageDigest digest = new ImageDigest();
    private final PageHashLedger ledger;
    private final TransferStats stats = new TransferStats();
    private final ByteBuffer payload;
    private final long payloadBase;
    private Lz4BlockDecoder decoder;
    private ByteBuffer copy;

    private final boolean expectDeviceState;
    private boolean delta;
    private MappedImage readView;
    private long touched;
    private final DeviceStateFlyweight deviceStateChunk = new DeviceStateFlyweight();
    private ByteBuffer deviceState;
    private long deviceStateTotal = -1;

    long endBatches;
    long endZeroPages;
    long endDataPages;
    long endDigest;
    RuntimeException failure;

    StreamReceiver(final FrameChannel frames, final DestinationFile file, final AtomicPageBitmap received,
        final long pageCount, final int streamIndex, final PageHashLedger ledger, final boolean expectDeviceState)
    {
        this.expectDeviceState = expectDeviceState;
        this.ledger = ledger;
        this.frames = frames;
        this.file = file;
        this.received = received;
        this.pageCount = pageCount;
        this.streamIndex = streamIndex;
        this.payload = frames.inBytes().duplicate();
        this.payloadBase = frames.in().addressOffset();
    }

    /**
     * @param view read-only mapping of the destination whose pages are touched as they are written (read-back).
     */
    void readView(final MappedImage view)
    {
        this.readView = view;
    }

    /**
     * A post-copy session: a POSTCOPY_PENDING frame hands the stream to {@code destination}.
     *
     * @param destination runs the post-copy phase.
     * @param socket      the connection under the stream's frames.
     */
    void postcopy(final io.ramshift.engine.postcopy.PostcopyDestination destination,
        final java.nio.channels.ByteChannel socket, final io.ramshift.engine.postcopy.PostcopyConnection priority)
    {
        this.postcopy = destination;
        this.channel = socket;
        this.postcopyPriority = priority;
    }

    /** @return the priority connection accepted at the start when no switch took it over, else null. */
    io.ramshift.engine.postcopy.PostcopyConnection unusedPriority()
    {
        return postcopyPriority;
    }

    /** @return the bulk connection in use after post-copy (another one after a reconnect), or null. */
    io.ramshift.engine.postcopy.PostcopyConnection postcopyConnection()
    {
        return postcopyConnection;
    }

    /** A delta session: COPY runs take pages from the destination's own unchanged pages. */
    void delta()
    {
        this.delta = true;
    }

    TransferStats stats()
    {
        return stats;
    }

    FrameChannel frames()
    {
        return frames;
    }

    public void run()
    {
        try
        {
            receiveRuns();
        }
        catch (final LayoutException ex)
        {
            frames.sendError(ProtocolDescriptor.ERROR_PROTOCOL, ex.getMessage());
            failure = new io.ramshift.engine.TransferException("malformed frame on stream " + streamIndex + " from " +
                "the sender: " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
        finally
        {
            stats.digest = digest.value();
            stats.bytesReceived = frames.bytesRead();
            stats.bytesSent = frames.bytesWritten();
        }
    }

    private void receiveRuns()
    {
        while (true)
        {
            final long readStart = System.nanoTime();
            final int type = frames.readFrame("RUN_BATCH or END");
            stats.socketNanos += System.nanoTime() - readStart;
            if (type == ProtocolDescriptor.TYPE_DEVICE_STATE)
            {
                receiveDeviceState();
                continue;
            }
            if (type == ProtocolDescriptor.TYPE_POSTCOPY_PENDING)
            {
                if (postcopy == null || deviceStateTotal >= 0)
                {
                    throw new LayoutException("POSTCOPY_PENDING in a session without the POSTCOPY option");
                }
                final io.ramshift.engine.postcopy.PostcopyConnection priority = postcopyPriority;
                postcopyPriority = null;
                postcopyConnection = postcopy.run(new io.ramshift.engine.postcopy.PostcopyConnection(channel, frames,
                    false), priority);
                frames = postcopyConnection.frames();
                // every page's last content is in the ledger now, post-copy pages included
                digest.reset();
                digest.addDelta(ledger.digest());
                end.wrap(frames.in(), 0);
                end.validate();
                endBatches = end.batchCount();
                endZeroPages = end.zeroPages();
                endDataPages = end.dataPages();
                endDigest = end.digest();
                return;
            }
            if (type == ProtocolDescriptor.TYPE_END)
            {
                end.wrap(frames.in(), 0);
                end.validate();
                if (expectDeviceState && (deviceState == null || deviceState.position() != deviceStateTotal))
                {
                    throw new LayoutException("END before the whole device state: received=" +
                        (deviceState == null ? 0 : deviceState.position()) + " total=" + deviceStateTotal);
                }
                endBatches = end.batchCount();
                endZeroPages = end.zeroPages();
                endDataPages = end.dataPages();
                endDigest = end.digest();
                return;
            }
            if (deviceStateTotal >= 0)
            {
                throw new LayoutException("expected DEVICE_STATE or END after the device state began, got " +
                    ProtocolDescriptor.typeName(type));
            }
            if (type != ProtocolDescriptor.TYPE_RUN_BATCH)
            {
                throw new LayoutException("expected RUN_BATCH or END, got " + ProtocolDescriptor.typeName(type));
            }
            batch.wrap(frames.in(), 0);
            batch.validateBody(ProtocolDescriptor.MAX_FRAME_LENGTH);
            batch.validateRuns(pageCount, PAGE_SIZE);
            if (batch.sequence() != stats.batches)
            {
                throw new LayoutException("batch out of sequence: sequence=" + batch.sequence() +
                    " expected=" + stats.batches);
            }
            applyBatch();
            stats.batches++;
        }
    }

    private void receiveDeviceState()
    {
        if (!expectDeviceState)
        {
            throw new LayoutException("DEVICE_STATE in a session without the DEVICE_STATE option");
        }
        final long received = deviceState == null ? 0 : deviceState.position();
        deviceStateChunk.wrap(frames.in(), 0);
        deviceStateChunk.validate(received, deviceStateTotal);
        deviceStateTotal = deviceStateChunk.totalLength();
        final int length = deviceStateChunk.chunkLength();
        // grow with what actually arrived, never to a length the peer merely announced
        if (deviceState == null || deviceState.remaining() < length)
        {
            final long wanted = Math.min(deviceStateTotal, Math.max(received + length, 2 * received));
            final ByteBuffer grown = ByteBuffer.allocate((int)wanted);
            if (deviceState != null)
            {
                deviceState.flip();
                grown.put(deviceState);
            }
            deviceState = grown;
        }
        frames.in().getBytes(deviceStateChunk.payloadBufferOffset(), deviceState, deviceState.position(), length);
        deviceState.position(deviceState.position() + length);
    }

    /** @return the device state received (position 0, limit its length), or null. */
    ByteBuffer deviceState()
    {
        if (deviceState == null)
        {
            return null;
        }
        final ByteBuffer state = deviceState.duplicate();
        state.flip();
        return state;
    }

    private void applyBatch()
    {
        final int rawLength = batch.rawLength();
        final ByteBuffer data;
        final long dataBase;
        int position;
        if (batch.encoding() == ProtocolDescriptor.ENCODING_LZ4)
        {
            data = decode(rawLength);
            dataBase = BufferUtil.address(data);
            position = 0;
        }
        else
        {
            data = payload;
            dataBase = payloadBase;
            position = batch.payloadBufferOffset();
        }
        stats.rawDataBytes += rawLength;
        stats.payloadBytes += batch.payloadLength();
        for (int i = 0, n = batch.runCount(); i < n; i++)
        {
            final long first = batch.firstPage(i);
            final long count = batch.pageCount(i) & 0xFFFF_FFFFL;
            final int kind = batch.kind(i);
            if (kind == ProtocolDescriptor.RUN_ZERO)
            {
                final long start = System.nanoTime();
                // a page this session wrote and now sends as zero (a live round) must be cleared, new file or not
                file.zero(first << PAGE_SHIFT, count << PAGE_SHIFT, !received.noneSet(first, count));
                stats.fileNanos += System.nanoTime() - start;
                if (ledger != null)
                {
                    for (long p = first; p < first + count; p++)
                    {
                        digest.addDelta(ledger.record(p, ImageDigest.ZERO_PAGE_HASH));
                    }
                }
                else
                {
                    digest.addZeroRun(first, count);
                }
                stats.zeroPages += count;
                stats.zeroRuns++;
            }
            else if (kind == ProtocolDescriptor.RUN_DATA)
            {
                final int length = (int)(count << PAGE_SHIFT);
                final long hashStart = System.nanoTime();
                for (int p = 0; p < count; p++)
                {
                    addPage(first + p, ImageDigest.pageHash(dataBase + position + ((long)p << PAGE_SHIFT)));
                }
                final long writeStart = System.nanoTime();
                stats.hashNanos += writeStart - hashStart;
                data.limit(position + length).position(position);
                file.write(first << PAGE_SHIFT, data);
                if (readView != null)
                {
                    touched += DestinationReadBack.touch(readView, first, count);
                }
                stats.fileNanos += System.nanoTime() - writeStart;
                position += length;
                stats.dataPages += count;
                stats.dataRuns++;
            }
            else if (kind == ProtocolDescriptor.RUN_COPY)
            {
                if (!delta)
                {
                    throw new LayoutException("COPY run in a session without the DELTA option: page=" + first);
                }
                if (!received.noneSet(batch.reference(i), count))
                {
                    throw new LayoutException("COPY reference to pages this session wrote: page=" + first +
                        " reference=" + batch.reference(i) + " count=" + count);
                }
                copyPages(first, count, batch.reference(i));
                stats.copyPages += count;
                stats.copyRuns++;
            }
            else
            {
                if (!received.allSet(batch.reference(i), count))
                {
                    throw new LayoutException("DUP reference to pages not received yet: page=" + first +
                        " reference=" + batch.reference(i) + " count=" + count);
                }
                copyPages(first, count, batch.reference(i));
                stats.dupPages += count;
                stats.dupRuns++;
            }
            received.setRange(first, count);
        }
    }

    private void addPage(final long page, final long hash)
    {
        if (ledger != null)
        {
            digest.addDelta(ledger.record(page, hash));
        }
        else
        {
            digest.addPage(page, hash);
        }
    }

    private ByteBuffer decode(final int rawLength)
    {
        if (decoder == null)
        {
            decoder = new Lz4BlockDecoder(ProtocolDescriptor.MAX_BATCH_DATA_PAGES << PAGE_SHIFT);
        }
        final long start = System.nanoTime();
        final ByteBuffer decoded = decoder.decode(payload, batch.payloadBufferOffset(), batch.payloadLength(),
            rawLength, "sequence", batch.sequence());
        stats.codecNanos += System.nanoTime() - start;
        return decoded;
    }

    private void copyPages(final long first, final long count, final long reference)
    {
        if (copy == null)
        {
            copy = BufferUtil.allocateDirectAligned(COPY_BUFFER_PAGES << PAGE_SHIFT, 4096);
        }
        final long copyBase = BufferUtil.address(copy);
        long done = 0;
        while (done < count)
        {
            final int pages = (int)Math.min(COPY_BUFFER_PAGES, count - done);
            final long start = System.nanoTime();
            copy.limit(pages << PAGE_SHIFT).position(0);
            file.read((reference + done) << PAGE_SHIFT, copy);
            final long hashStart = System.nanoTime();
            for (int p = 0; p < pages; p++)
            {
                addPage(first + done + p, ImageDigest.pageHash(copyBase + ((long)p << PAGE_SHIFT)));
            }
            final long writeStart = System.nanoTime();
            stats.hashNanos += writeStart - hashStart;
            copy.flip();
            file.write((first + done) << PAGE_SHIFT, copy);
            if (readView != null)
            {
                touched += DestinationReadBack.touch(readView, first + done, pages);
            }
            stats.fileNanos += (hashStart - start) + (System.nanoTime() - writeStart);
            done += pages;
        }
    }
}
