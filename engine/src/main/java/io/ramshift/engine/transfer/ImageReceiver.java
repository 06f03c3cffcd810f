package io.ramshift.engine.transfer;

import io.ramshift.engine.DestinationException;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.DestinationFile;
import io.ramshift.layout.EndFlyweight;
import io.ramshift.layout.HelloAckFlyweight;
import io.ramshift.layout.HelloFlyweight;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.ResultFlyweight;
import io.ramshift.layout.RunBatchFlyweight;

import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.file.Path;

import static io.ramshift.engine.image.MappedImage.PAGE_SHIFT;
import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * Receives one image into one destination file: validates every frame before it touches the file, writes runs
 * in place with positional writes, and answers RESULT VERIFIED only after the digest of what it wrote equals the
 * sender's and the file is synced.
 */
public final class ImageReceiver
{
    private final TransferOptions options;
    private final HelloFlyweight hello = new HelloFlyweight();
    private final HelloAckFlyweight helloAck = new HelloAckFlyweight();
    private final RunBatchFlyweight batch = new RunBatchFlyweight();
    private final EndFlyweight end = new EndFlyweight();
    private final ResultFlyweight result = new ResultFlyweight();
    private final ImageDigest digest = new ImageDigest();

    /**
     * @param options receiver-side settings (resize, noSync).
     */
    public ImageReceiver(final TransferOptions options)
    {
        this.options = options;
    }

    /**
     * Receive one session into {@code destination}.
     *
     * @param channel     connected, blocking.
     * @param peer        name of the sender for messages.
     * @param destination the one file this receiver may write.
     * @return the receiver's counters, {@code verified} set.
     */
    public TransferStats receive(final ByteChannel channel, final String peer, final Path destination)
    {
        final FrameChannel frames = new FrameChannel(channel, peer, ProtocolDescriptor.MAX_FRAME_LENGTH);
        final TransferStats stats = new TransferStats();
        stats.startNanos = System.nanoTime();
        digest.reset();
        DestinationFile file = null;
        try
        {
            final int type = frames.readFrame("HELLO");
            if (type != ProtocolDescriptor.TYPE_HELLO)
            {
                throw new LayoutException("expected HELLO, got " + ProtocolDescriptor.typeName(type));
            }
            hello.wrap(frames.in(), 0);
            hello.validate();
            final long pageCount = hello.pageCount();
            final long sessionId = hello.sessionId();
            final boolean sync = !options.noSync && (hello.options() & ProtocolDescriptor.OPTION_NO_SYNC) == 0;
            stats.imagePages = pageCount;
            stats.imageBytes = hello.imageSize();
            try
            {
                file = DestinationFile.open(destination, hello.imageSize(), options.resize);
            }
            catch (final DestinationException ex)
            {
                frames.sendError(ProtocolDescriptor.ERROR_DESTINATION, ex.getMessage());
                throw ex;
            }
            stats.destinationState = file.state();
            helloAck.wrap(frames.out(), 0);
            helloAck.encode(file.state(), sessionId);
            frames.writeControl(helloAck.frameLength());

            receiveRuns(frames, file, pageCount, stats);

            if (sync)
            {
                final long syncStart = System.nanoTime();
                file.sync();
                stats.syncNanos = System.nanoTime() - syncStart;
            }
            stats.bytesWritten = file.bytesWritten();
            stats.digest = digest.value();
            final boolean match = end.digest() == stats.digest && end.batchCount() == stats.batches &&
                end.zeroPages() == stats.zeroPages && end.dataPages() == stats.dataPages;
            result.wrap(frames.out(), 0);
            result.encode(match ? ProtocolDescriptor.STATUS_VERIFIED : ProtocolDescriptor.STATUS_DIGEST_MISMATCH,
                stats.pagesSent(), stats.digest, stats.bytesWritten);
            frames.writeControl(result.frameLength());
            if (!match)
            {
                throw new TransferException("destination does not match the sender: digest=" +
                    Long.toHexString(stats.digest) + " expected=" + Long.toHexString(end.digest()) +
                    " batches=" + stats.batches + "/" + end.batchCount() + " zeroPages=" + stats.zeroPages + "/" +
                    end.zeroPages() + " dataPages=" + stats.dataPages + "/" + end.dataPages());
            }
            stats.verified = true;
            return stats;
        }
        catch (final LayoutException ex)
        {
            frames.sendError(ProtocolDescriptor.ERROR_PROTOCOL, ex.getMessage());
            throw new TransferException("malformed frame from " + peer + ": " + ex.getMessage(), ex);
        }
        catch (final DestinationException ex)
        {
            frames.sendError(ProtocolDescriptor.ERROR_IO, ex.getMessage());
            throw ex;
        }
        finally
        {
            if (file != null)
            {
                file.close();
            }
            stats.bytesSent = frames.bytesWritten();
            stats.bytesReceived = frames.bytesRead();
            stats.endNanos = System.nanoTime();
        }
    }

    private void receiveRuns(final FrameChannel frames, final DestinationFile file, final long pageCount,
        final TransferStats stats)
    {
        final ByteBuffer payload = frames.inBytes().duplicate();
        final long payloadBase = frames.in().addressOffset();
        while (true)
        {
            final int type = frames.readFrame("RUN_BATCH or END");
            if (type == ProtocolDescriptor.TYPE_END)
            {
                end.wrap(frames.in(), 0);
                end.validate();
                return;
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
            if (batch.encoding() != ProtocolDescriptor.ENCODING_RAW)
            {
                throw new LayoutException("unsupported encoding: encoding=" + batch.encoding());
            }
            int position = batch.payloadBufferOffset();
            for (int i = 0, n = batch.runCount(); i < n; i++)
            {
                final long first = batch.firstPage(i);
                final long count = batch.pageCount(i) & 0xFFFF_FFFFL;
                if (batch.kind(i) == ProtocolDescriptor.RUN_ZERO)
                {
                    file.zero(first << PAGE_SHIFT, count << PAGE_SHIFT);
                    digest.addZeroRun(first, count);
                    stats.zeroPages += count;
                    stats.zeroRuns++;
                }
                else
                {
                    final int length = (int)(count << PAGE_SHIFT);
                    for (int p = 0; p < count; p++)
                    {
                        digest.addPage(first + p, ImageDigest.pageHash(payloadBase + position + ((long)p << PAGE_SHIFT)));
                    }
                    payload.limit(position + length).position(position);
                    file.write(first << PAGE_SHIFT, payload);
                    position += length;
                    stats.dataPages += count;
                    stats.dataRuns++;
                }
            }
            stats.batches++;
        }
    }
}
