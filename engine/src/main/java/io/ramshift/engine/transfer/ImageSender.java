package io.ramshift.engine.transfer;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.image.SourceImage;
import io.ramshift.engine.scan.ImageScanner;
import io.ramshift.engine.scan.PageClass;
import io.ramshift.engine.scan.RunConsumer;
import io.ramshift.layout.EndFlyweight;
import io.ramshift.layout.HelloAckFlyweight;
import io.ramshift.layout.HelloFlyweight;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.ResultFlyweight;

import java.nio.channels.ByteChannel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends one image over a connected channel: HELLO, the scanned runs as RUN_BATCH frames, END with the digest,
 * and succeeds only when the receiver answers RESULT VERIFIED with the same digest.
 */
public final class ImageSender implements RunConsumer
{
    private final TransferOptions options;
    private final HelloFlyweight hello = new HelloFlyweight();
    private final HelloAckFlyweight helloAck = new HelloAckFlyweight();
    private final EndFlyweight end = new EndFlyweight();
    private final ResultFlyweight result = new ResultFlyweight();
    private final ImageDigest digest = new ImageDigest();

    private MappedImage image;
    private PageBatchEncoder encoder;
    private FrameChannel frames;
    private TransferStats stats;
    private long sequence;

    /**
     * @param options settings of the transfer.
     */
    public ImageSender(final TransferOptions options)
    {
        this.options = options;
    }

    /**
     * Send an image and wait for the receiver's verdict.
     *
     * @param image   the source, mapped.
     * @param bitmap  free-page report, or null.
     * @param channel connected, blocking.
     * @param peer    name of the receiver for messages.
     * @return the sender's counters, {@code verified} set.
     */
    public TransferStats send(final MappedImage image, final FreePageBitmap bitmap, final ByteChannel channel,
        final String peer)
    {
        return send(image, null, bitmap, channel, peer);
    }

    /**
     * Send a source (a raw image or the RAM view of an ELF dump) and wait for the receiver's verdict.
     *
     * @param source  the source, open.
     * @param bitmap  free-page report, or null.
     * @param channel connected, blocking.
     * @param peer    name of the receiver for messages.
     * @return the sender's counters, {@code verified} set.
     */
    public TransferStats send(final SourceImage source, final FreePageBitmap bitmap, final ByteChannel channel,
        final String peer)
    {
        return send(source.image(), source, bitmap, channel, peer);
    }

    private TransferStats send(final MappedImage image, final SourceImage source, final FreePageBitmap bitmap,
        final ByteChannel channel, final String peer)
    {
        if (bitmap != null && bitmap.pageCount() != image.pageCount())
        {
            throw new ImageException("free-page bitmap covers another image: bitmapPages=" + bitmap.pageCount() +
                " imagePages=" + image.pageCount());
        }
        this.image = image;
        this.stats = new TransferStats();
        this.encoder = new PageBatchEncoder(image, options.batchDataPages, options.batchRuns);
        this.frames = new FrameChannel(channel, peer, ProtocolDescriptor.MAX_FRAME_LENGTH);
        this.sequence = 0;
        digest.reset();
        stats.startNanos = System.nanoTime();
        stats.imagePages = image.pageCount();
        stats.imageBytes = image.size();
        try
        {
            final long sessionId = options.sessionId != 0 ? options.sessionId : ThreadLocalRandom.current().nextLong();
            final DataExtents.Lookup lookup = options.detectHoles && source == null ?
                DataExtents.lookUp(image.path(), image.size()) : null;
            if (source != null && options.detectHoles)
            {
                source.lookUpExtents();
            }
            handshake(sessionId);
            final DataExtents extents = source != null ? source.extents(options.detectHoles) :
                lookup != null ? lookup.join() : DataExtents.whole(image.size());
            stats.allocatedBytes = options.detectHoles ? extents.dataBytes() : -1;
            scan(bitmap, extents);
            if (!encoder.isEmpty())
            {
                writeBatch();
            }
            stats.digest = digest.value();
            end.wrap(frames.out(), 0);
            end.encode(sequence, stats.zeroPages, stats.dataPages, stats.zeroRuns + stats.dataRuns, stats.digest);
            frames.writeControl(end.frameLength());
            awaitResult();
            return stats;
        }
        catch (final ImageException ex)
        {
            frames.sendError(ProtocolDescriptor.ERROR_SOURCE, ex.getMessage());
            throw ex;
        }
        catch (final LayoutException ex)
        {
            frames.sendError(ProtocolDescriptor.ERROR_PROTOCOL, ex.getMessage());
            throw new TransferException("malformed frame from " + peer + ": " + ex.getMessage(), ex);
        }
        finally
        {
            stats.bytesSent = frames.bytesWritten();
            stats.bytesReceived = frames.bytesRead();
            stats.endNanos = System.nanoTime();
            this.image = null;
            this.encoder = null;
            this.frames = null;
        }
    }

    private void handshake(final long sessionId)
    {
        hello.wrap(frames.out(), 0);
        hello.encode(MappedImage.PAGE_SIZE, image.size(), options.helloOptions(), sessionId);
        frames.writeControl(hello.frameLength());
        final int type = frames.readFrame("HELLO_ACK");
        if (type != ProtocolDescriptor.TYPE_HELLO_ACK)
        {
            throw new LayoutException("expected HELLO_ACK, got " + ProtocolDescriptor.typeName(type));
        }
        helloAck.wrap(frames.in(), 0);
        helloAck.validate(sessionId);
        stats.destinationState = helloAck.destinationState();
    }

    private void scan(final FreePageBitmap bitmap, final DataExtents extents)
    {
        final ImageScanner scanner = new ImageScanner(image, bitmap, extents);
        try
        {
            scanner.scan(0, image.pageCount(), this);
        }
        catch (final InternalError ex)
        {
            // the JVM turns SIGBUS on a mapping whose file shrank into an InternalError
            throw new ImageException("source image changed while read (truncated?): path=" + image.path() +
                " size=" + image.size() + ": " + ex.getMessage(), ex);
        }
    }

    private void awaitResult()
    {
        final int type = frames.readFrame("RESULT");
        if (type != ProtocolDescriptor.TYPE_RESULT)
        {
            throw new LayoutException("expected RESULT, got " + ProtocolDescriptor.typeName(type));
        }
        result.wrap(frames.in(), 0);
        result.validate();
        if (result.status() != ProtocolDescriptor.STATUS_VERIFIED || result.digest() != stats.digest ||
            result.pages() != stats.pagesSent())
        {
            throw new TransferException("receiver did not verify the image: status=" + result.status() +
                " digest=" + Long.toHexString(result.digest()) + " expected=" + Long.toHexString(stats.digest) +
                " pages=" + result.pages() + " expectedPages=" + stats.pagesSent());
        }
        stats.bytesWritten = result.bytesWritten();
        stats.verified = true;
    }

    /**
     * Receives the scanner's runs: counts them, adds them to the digest and to the current batch.
     */
    public void onRun(final int pageClass, final long firstPage, final long pageCount)
    {
        if (pageClass == PageClass.FREE)
        {
            stats.freePages += pageCount;
        }
        else if (pageClass == PageClass.ZERO)
        {
            stats.zeroPages += pageCount;
            stats.zeroRuns++;
            digest.addZeroRun(firstPage, pageCount);
            long page = firstPage;
            long remaining = pageCount;
            while (remaining > 0)
            {
                final int n = (int)Math.min(remaining, Integer.MAX_VALUE);
                if (!encoder.addZeroRun(page, n))
                {
                    writeBatch();
                    continue;
                }
                page += n;
                remaining -= n;
            }
        }
        else
        {
            stats.dataPages += pageCount;
            stats.dataRuns++;
            for (long page = firstPage, last = firstPage + pageCount; page < last; page++)
            {
                digest.addPage(page, ImageDigest.pageHash(image.pageAddress(page)));
            }
            long page = firstPage;
            long remaining = pageCount;
            while (remaining > 0)
            {
                final int taken = encoder.addDataRun(page, remaining);
                if (taken == 0)
                {
                    writeBatch();
                    continue;
                }
                page += taken;
                remaining -= taken;
            }
        }
    }

    private void writeBatch()
    {
        encoder.write(frames, sequence++);
        stats.batches++;
    }
}
