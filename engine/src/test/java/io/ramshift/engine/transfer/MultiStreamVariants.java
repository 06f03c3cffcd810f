package io.ramshift.engine.transfer;

import io.ramshift.layout.HelloDescriptor;
import io.ramshift.layout.ProtocolDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Broken multi-stream sessions made from real recorded ones, for the multi-stream fuzzer's corpus: a stream of
 * another session, a duplicate stream index, another stream count, a HELLO differing in its options or image size,
 * a stream that ends early, a stream that never connects, a frame sent on the wrong connection. Each must be
 * refused; {@link #EXPECTED} names what the receiver's message says.
 */
final class MultiStreamVariants
{
    /** Seed name to a part of the message the receiver refuses it with. */
    static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static
    {
        EXPECTED.put("streams-variant-other-session", "stream does not belong to session");
        EXPECTED.put("streams-variant-duplicate-index", "stream does not belong to session");
        EXPECTED.put("streams-variant-other-count", "stream does not belong to session");
        EXPECTED.put("streams-variant-other-options", "stream does not belong to session");
        EXPECTED.put("streams-variant-other-image-size", "stream does not belong to session");
        EXPECTED.put("streams-variant-ends-early", "connection closed");
        EXPECTED.put("streams-variant-never-connects", "connection closed");
        EXPECTED.put("streams-variant-frame-on-wrong-connection", "batch out of sequence");
    }

    private MultiStreamVariants()
    {
    }

    /**
     * @param two   the streams of a recorded 2-stream session.
     * @param three the streams of a recorded 3-stream session.
     * @return variant name to input.
     */
    static Map<String, byte[]> of(final List<byte[]> two, final List<byte[]> three)
    {
        final Map<String, byte[]> variants = new LinkedHashMap<>();
        variants.put("streams-variant-other-session", withHelloLong(two, 1, HelloDescriptor.SESSION_ID_OFFSET,
            helloLong(two.get(1), HelloDescriptor.SESSION_ID_OFFSET) + 2));
        variants.put("streams-variant-duplicate-index", withHelloShort(two, 1, HelloDescriptor.STREAM_INDEX_OFFSET, 0));
        variants.put("streams-variant-other-count", withHelloShort(two, 1, HelloDescriptor.STREAM_COUNT_OFFSET, 3));
        variants.put("streams-variant-other-options", withHelloLong(two, 1, HelloDescriptor.OPTIONS_OFFSET,
            helloLong(two.get(1), HelloDescriptor.OPTIONS_OFFSET) ^ ProtocolDescriptor.OPTION_LZ4));
        final long otherSize = helloLong(three.get(2), HelloDescriptor.IMAGE_SIZE_OFFSET) - 512 * 4096L;
        final List<byte[]> resized = patched(three, 2, HelloDescriptor.IMAGE_SIZE_OFFSET, otherSize, 8);
        variants.put("streams-variant-other-image-size", MultiStreamInput.interleave(
            patched(resized, 2, HelloDescriptor.PAGE_COUNT_OFFSET, otherSize / 4096, 8)));

        // stream 2 stops in the middle of its first RUN_BATCH
        final List<byte[]> early = new ArrayList<>(three);
        final List<byte[]> frames = FuzzSessions.frames(three.get(2));
        final int cut = frames.get(0).length + frames.get(1).length / 2;
        final byte[] shortStream = new byte[cut];
        System.arraycopy(three.get(2), 0, shortStream, 0, cut);
        early.set(2, shortStream);
        variants.put("streams-variant-ends-early", MultiStreamInput.interleave(early));

        // a 3-stream HELLO with two connections: the third is the feeder's connection that closes at once
        variants.put("streams-variant-never-connects", MultiStreamInput.interleave(three.subList(0, 2)));

        // stream 1's first RUN_BATCH on stream 0's connection, after stream 0's own first
        final List<byte[]> moved = new ArrayList<>();
        final List<byte[]> frames0 = FuzzSessions.frames(two.get(0));
        final List<byte[]> frames1 = FuzzSessions.frames(two.get(1));
        final List<byte[]> stream0 = new ArrayList<>(frames0);
        stream0.add(2, frames1.get(1));
        final List<byte[]> stream1 = new ArrayList<>(frames1);
        stream1.remove(1);
        moved.add(concat(stream0));
        moved.add(concat(stream1));
        variants.put("streams-variant-frame-on-wrong-connection", MultiStreamInput.interleave(moved));
        return variants;
    }

    private static byte[] withHelloLong(final List<byte[]> streams, final int stream, final int offset,
        final long value)
    {
        return MultiStreamInput.interleave(patched(streams, stream, offset, value, 8));
    }

    private static byte[] withHelloShort(final List<byte[]> streams, final int stream, final int offset,
        final int value)
    {
        return MultiStreamInput.interleave(patched(streams, stream, offset, value, 2));
    }

    /** A copy of the streams with one field of one stream's HELLO (its first frame) replaced. */
    private static List<byte[]> patched(final List<byte[]> streams, final int stream, final int offset,
        final long value, final int size)
    {
        final List<byte[]> copy = new ArrayList<>(streams);
        final byte[] bytes = streams.get(stream).clone();
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (size == 8)
        {
            buffer.putLong(offset, value);
        }
        else
        {
            buffer.putShort(offset, (short)value);
        }
        copy.set(stream, bytes);
        return copy;
    }

    private static long helloLong(final byte[] stream, final int offset)
    {
        return ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    private static byte[] concat(final List<byte[]> frames)
    {
        int length = 0;
        for (final byte[] frame : frames)
        {
            length += frame.length;
        }
        final byte[] bytes = new byte[length];
        int at = 0;
        for (final byte[] frame : frames)
        {
            System.arraycopy(frame, 0, bytes, at, frame.length);
            at += frame.length;
        }
        return bytes;
    }
}
