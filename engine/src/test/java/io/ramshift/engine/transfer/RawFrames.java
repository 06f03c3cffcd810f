package io.ramshift.engine.transfer;

import io.ramshift.layout.DeviceStateDescriptor;
import io.ramshift.layout.DeviceStateFlyweight;
import io.ramshift.layout.EndFlyweight;
import io.ramshift.layout.HelloAckFlyweight;
import io.ramshift.layout.HelloFlyweight;
import io.ramshift.layout.ProtocolDescriptor;
import io.ramshift.layout.ResultFlyweight;
import io.ramshift.layout.RunBatchFlyweight;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;

import static io.ramshift.engine.TestImages.PAGE_SIZE;

/**
 * Builds frames byte by byte the way a peer (well-behaved or hostile) would put them on the wire, for tests that
 * talk to a real sender or receiver over a socket.
 */
final class RawFrames
{
    private RawFrames()
    {
    }

    /**
     * @param imageSize bytes of the image.
     * @param options   option bits.
     * @param sessionId session id.
     * @return a complete HELLO.
     */
    static ByteBuffer hello(final long imageSize, final long options, final long sessionId)
    {
        return hello(imageSize, options, sessionId, 1);
    }

    /**
     * @param imageSize   bytes of the image.
     * @param options     option bits.
     * @param sessionId   session id.
     * @param streamCount streams the session announces (this is stream 0).
     * @return a complete HELLO.
     */
    static ByteBuffer hello(final long imageSize, final long options, final long sessionId, final int streamCount)
    {
        final ByteBuffer bytes = allocate(64);
        final HelloFlyweight hello = new HelloFlyweight();
        hello.wrap(new UnsafeBuffer(bytes), 0);
        hello.encode(ProtocolDescriptor.DEFAULT_PAGE_SIZE, imageSize, options, sessionId, 0, streamCount);
        return bytes.limit(hello.frameLength());
    }

    /**
     * @param state     destination state.
     * @param sessionId echoed session id.
     * @return a complete HELLO_ACK.
     */
    static ByteBuffer helloAck(final int state, final long sessionId)
    {
        final ByteBuffer bytes = allocate(32);
        final HelloAckFlyweight ack = new HelloAckFlyweight();
        ack.wrap(new UnsafeBuffer(bytes), 0);
        ack.encode(state, sessionId);
        return bytes.limit(ack.frameLength());
    }

    /**
     * A RAW RUN_BATCH of data runs, each followed in the payload by its pages' content.
     *
     * @param sequence batch sequence.
     * @param seed     content family of the pages.
     * @param runs     pairs of (first page, page count).
     * @return a complete RUN_BATCH.
     */
    static ByteBuffer dataBatch(final long sequence, final long seed, final long... runs)
    {
        final int runCount = runs.length / 2;
        int dataPages = 0;
        for (int i = 0; i < runCount; i++)
        {
            dataPages += (int)runs[2 * i + 1];
        }
        final int payload = dataPages * PAGE_SIZE;
        final ByteBuffer bytes = allocate(32 + runCount * 24 + payload);
        final RunBatchFlyweight batch = new RunBatchFlyweight();
        batch.wrap(new UnsafeBuffer(bytes), 0);
        batch.encodeBody(runCount, ProtocolDescriptor.ENCODING_RAW, payload, payload, sequence);
        int position = batch.payloadBufferOffset();
        for (int i = 0; i < runCount; i++)
        {
            batch.run(i, runs[2 * i], (int)runs[2 * i + 1], ProtocolDescriptor.RUN_DATA);
            for (long page = runs[2 * i]; page < runs[2 * i] + runs[2 * i + 1]; page++)
            {
                bytes.put(position, io.ramshift.engine.TestImages.pageContent(seed, page));
                position += PAGE_SIZE;
            }
        }
        return bytes.limit(batch.frameLength());
    }

    /**
     * @param sequence  batch sequence.
     * @param firstPage first page of the run.
     * @param count     pages.
     * @param reference first destination page to copy from.
     * @return a RUN_BATCH with one COPY run.
     */
    static ByteBuffer copyBatch(final long sequence, final long firstPage, final int count, final long reference)
    {
        final ByteBuffer bytes = allocate(32 + 24);
        final RunBatchFlyweight batch = new RunBatchFlyweight();
        batch.wrap(new UnsafeBuffer(bytes), 0);
        batch.encodeBody(1, ProtocolDescriptor.ENCODING_RAW, 0, 0, sequence);
        batch.run(0, firstPage, count, ProtocolDescriptor.RUN_COPY, reference);
        return bytes.limit(batch.frameLength());
    }

    /**
     * @param batches   batch count.
     * @param zeroPages zero pages.
     * @param dataPages data pages.
     * @param runs      run count.
     * @param digest    image digest.
     * @return a complete END.
     */
    static ByteBuffer end(final long batches, final long zeroPages, final long dataPages, final long runs,
        final long digest)
    {
        final ByteBuffer bytes = allocate(48);
        final EndFlyweight end = new EndFlyweight();
        end.wrap(new UnsafeBuffer(bytes), 0);
        end.encode(batches, zeroPages, dataPages, runs, digest);
        return bytes.limit(end.frameLength());
    }

    /**
     * @param status status.
     * @param pages  pages received.
     * @param digest digest.
     * @return a complete RESULT.
     */
    static ByteBuffer result(final int status, final long pages, final long digest)
    {
        final ByteBuffer bytes = allocate(40);
        final ResultFlyweight result = new ResultFlyweight();
        result.wrap(new UnsafeBuffer(bytes), 0);
        result.encode(status, pages, digest, 0);
        return bytes.limit(result.frameLength());
    }

    /**
     * @param total       announced bytes of the whole device state.
     * @param chunkOffset where the chunk starts.
     * @param chunk       chunk bytes.
     * @return a complete DEVICE_STATE.
     */
    static ByteBuffer deviceState(final long total, final long chunkOffset, final byte[] chunk)
    {
        final ByteBuffer bytes = allocate(DeviceStateDescriptor.PAYLOAD_OFFSET + chunk.length);
        final DeviceStateFlyweight frame = new DeviceStateFlyweight();
        frame.wrap(new UnsafeBuffer(bytes), 0);
        frame.encode(total, chunkOffset, chunk.length);
        bytes.put(DeviceStateDescriptor.PAYLOAD_OFFSET, chunk);
        return bytes.limit(frame.frameLength());
    }

    /**
     * Write a frame (or part of one) completely.
     *
     * @param channel connected channel.
     * @param frame   bytes from position to limit.
     */
    static void write(final WritableByteChannel channel, final ByteBuffer frame)
    {
        try
        {
            while (frame.hasRemaining())
            {
                channel.write(frame);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static ByteBuffer allocate(final int capacity)
    {
        return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }
}
