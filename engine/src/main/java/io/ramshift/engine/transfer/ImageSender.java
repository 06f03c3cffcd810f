package io.ramshift.engine.transfer;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.image.SourceImage;
import io.ramshift.engine.scan.ParallelRanges;
import io.ramshift.layout.ProtocolDescriptor;

import java.nio.channels.ByteChannel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends one image over one or more connected channels (streams), each carrying a 2 MiB-aligned slice of the
 * image, and succeeds only when the receiver answers RESULT VERIFIED on every stream with the digest of the
 * whole image.
 */
public final class ImageSender
{
    private final TransferOptions options;

    /**
     * @param options settings of the transfer.
     */
    public ImageSender(final TransferOptions options)
    {
        this.options = options;
    }

    /**
     * Send an image over one stream and wait for the receiver's verdict.
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
        return send(image, bitmap, new ByteChannel[] {channel}, peer);
    }

    /**
     * Send a source (a raw image or the RAM view of an ELF dump) over several streams in parallel.
     *
     * @param source   the source, open.
     * @param bitmap   free-page report, or null.
     * @param channels connected, blocking; one stream each, all to the same receiver.
     * @param peer     name of the receiver for messages.
     * @return the sender's counters summed over the streams, {@code verified} set.
     */
    public TransferStats send(final SourceImage source, final FreePageBitmap bitmap, final ByteChannel[] channels,
        final String peer)
    {
        if (options.detectHoles && !options.delta)
        {
            source.lookUpExtents();
        }
        return send(source.image(), source, bitmap, channels, peer);
    }

    /**
     * Send an image over several streams in parallel and wait for the receiver's verdict.
     *
     * @param image    the source, mapped.
     * @param bitmap   free-page report, or null.
     * @param channels connected, blocking; one stream each, all to the same receiver.
     * @param peer     name of the receiver for messages.
     * @return the sender's counters summed over the streams, {@code verified} set.
     */
    public TransferStats send(final MappedImage image, final FreePageBitmap bitmap, final ByteChannel[] channels,
        final String peer)
    {
        return send(image, null, bitmap, channels, peer);
    }

    private TransferStats send(final MappedImage image, final SourceImage source, final FreePageBitmap bitmap,
        final ByteChannel[] channels, final String peer)
    {
        if (bitmap != null && bitmap.pageCount() != image.pageCount())
        {
            throw new ImageException("free-page bitmap covers another image: bitmapPages=" + bitmap.pageCount() +
                " imagePages=" + image.pageCount());
        }
        final int streamCount = channels.length;
        if (streamCount < 1 || streamCount > ProtocolDescriptor.MAX_STREAMS)
        {
            throw new IllegalArgumentException("streams out of range: " + streamCount);
        }
        if (options.live != null && streamCount != 1)
        {
            throw new io.ramshift.engine.RamshiftException("a live migration runs on one stream: streams=" + streamCount);
        }
        if (options.delta && (streamCount != 1 || options.live != null))
        {
            throw new io.ramshift.engine.RamshiftException("a delta send runs on one stream and is not live: streams=" +
                streamCount + " live=" + (options.live != null));
        }
        // a delta sender hashes its image (or reads its valid sidecar) while the receiver hashes its copy
        final BackgroundHashes sourceHashes = options.delta ? new BackgroundHashes(options.sourceHashes != null ?
            options.sourceHashes : new ImageHasher(2, null), image.path(), image.size()).start() : null;
        final TransferStats total = new TransferStats();
        total.startNanos = System.nanoTime();
        total.imagePages = image.pageCount();
        total.imageBytes = image.size();
        total.streams = streamCount;
        final long sessionId = options.sessionId != 0 ? options.sessionId : ThreadLocalRandom.current().nextLong();
        // a delta plans from page hashes, not holes
        final DataExtents.Lookup lookup = options.detectHoles && !options.delta && source == null ?
            DataExtents.lookUp(image.path(), image.size()) : null;
        // a snapshot (not live) must not change while it is read; a file path is needed to tell
        final io.ramshift.engine.image.ImageStamp sourceStamp = options.live == null && image.path() != null &&
            java.nio.file.Files.isRegularFile(image.path()) ? io.ramshift.engine.image.ImageStamp.of(image.path()) : null;
        // a snapshot of a file can resume: the receiver's journal names the pages it already holds durably
        final ResumePlan resume = options.resume && sourceStamp != null && !options.delta &&
            options.deviceState == null ? new ResumePlan(ResumePlan.identityOf(sourceStamp, image.pageCount())) : null;
        final StreamSender[] streams = new StreamSender[streamCount];
        for (int i = 0; i < streamCount; i++)
        {
            streams[i] = new StreamSender(image, bitmap, frames(channels[i], peer + " stream " + i), options,
                sessionId, i, streamCount, ParallelRanges.sliceStart(image.pageCount(), streamCount, i),
                ParallelRanges.sliceStart(image.pageCount(), streamCount, i + 1));
            streams[i].extents(lookup, source);
            streams[i].channel(channels[i]);
            streams[i].sourceHashes(sourceHashes);
            streams[i].resume(resume);
            if (sourceStamp != null)
            {
                streams[i].sourceStamp(sourceStamp, image.path());
            }
        }
        ParallelRanges.run("ramshift-send", streams);
        if (options.detectHoles)
        {
            total.allocatedBytes = streams[0].extentsUsed() == null ? -1 : streams[0].extentsUsed().dataBytes();
        }
        RuntimeException failure = null;
        for (final StreamSender stream : streams)
        {
            total.add(stream.stats());
            // a refused TLS handshake says more than the connection resets it caused on the other streams
            if (stream.failure != null && (failure == null ||
                stream.failure instanceof io.ramshift.engine.TlsException &&
                !(failure instanceof io.ramshift.engine.TlsException)))
            {
                failure = stream.failure;
            }
        }
        total.endNanos = System.nanoTime();
        total.destinationState = streams[0].destinationState;
        total.resumeStatus = resume == null ? -1 : resume.status();
        if (failure != null)
        {
            throw failure;
        }
        for (final StreamSender stream : streams)
        {
            if (stream.resultStatus != ProtocolDescriptor.STATUS_VERIFIED || stream.resultDigest != total.digest ||
                stream.resultPages != total.pagesSent())
            {
                throw new TransferException("receiver did not verify the image: status=" + stream.resultStatus +
                    " digest=" + Long.toHexString(stream.resultDigest) + " expected=" + Long.toHexString(total.digest) +
                    " pages=" + stream.resultPages + " expectedPages=" + total.pagesSent());
            }
        }
        total.bytesWritten = streams[0].resultBytesWritten;
        total.verified = true;
        return total;
    }

    private FrameChannel frames(final ByteChannel channel, final String peer)
    {
        if (options.tlsSender == null)
        {
            return new FrameChannel(channel, peer, ProtocolDescriptor.MAX_FRAME_LENGTH, options.ioTimeoutMs);
        }
        if (!(channel instanceof java.nio.channels.SocketChannel))
        {
            throw new IllegalArgumentException("TLS needs socket channels: " + channel);
        }
        return new FrameChannel((java.nio.channels.SocketChannel)channel, options.tlsSender, peer,
            ProtocolDescriptor.MAX_FRAME_LENGTH, options.ioTimeoutMs);
    }
}
