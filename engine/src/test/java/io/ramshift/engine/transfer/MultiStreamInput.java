package io.ramshift.engine.transfer;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The input of the multi-stream receiver fuzzer: what a sender puts on the 2 or 3 connections of one session, as
 * records in the order they are written, so a mutation can move a frame to another connection, cut one connection
 * short or change one stream's HELLO.
 * <pre>
 *  0      u8   connections - 2 (bit 0 only: 2 or 3 connections)
 *  1..    records, until the input ends:
 *         u8   connection (modulo the connection count)
 *         u16  length, little-endian (a record longer than what is left takes what is left)
 *         ...  length bytes, appended to that connection's bytes
 * </pre>
 */
final class MultiStreamInput
{
    /** Header bytes of a record. */
    static final int RECORD_HEADER = 3;
    /** Most bytes of one record. */
    static final int MAX_RECORD = 0xFFFF;

    final int connections;
    /** Connection of each record, in input order. */
    final int[] connection;
    /** Offset of each record's bytes in the input. */
    final int[] offset;
    /** Length of each record's bytes. */
    final int[] length;
    final int records;

    private MultiStreamInput(final int connections, final int[] connection, final int[] offset, final int[] length,
        final int records)
    {
        this.connections = connections;
        this.connection = connection;
        this.offset = offset;
        this.length = length;
        this.records = records;
    }

    /**
     * Read the records of an input (any bytes are a valid input).
     *
     * @param input the fuzzer's bytes.
     * @return its records.
     */
    static MultiStreamInput parse(final byte[] input)
    {
        final int connections = input.length == 0 ? 2 : 2 + (input[0] & 1);
        // at most one record per header's worth of input
        final int most = Math.max(0, input.length / RECORD_HEADER) + 1;
        final int[] connection = new int[most];
        final int[] offset = new int[most];
        final int[] length = new int[most];
        int records = 0;
        int at = 1;
        while (at + RECORD_HEADER <= input.length)
        {
            final int to = (input[at] & 0xFF) % connections;
            final int declared = (input[at + 1] & 0xFF) | (input[at + 2] & 0xFF) << 8;
            at += RECORD_HEADER;
            final int n = Math.min(declared, input.length - at);
            connection[records] = to;
            offset[records] = at;
            length[records] = n;
            records++;
            at += n;
        }
        return new MultiStreamInput(connections, connection, offset, length, records);
    }

    /**
     * @param input the input these records were parsed from.
     * @param index a connection.
     * @return every byte of that connection, in order.
     */
    byte[] bytesOf(final byte[] input, final int index)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < records; r++)
        {
            if (connection[r] == index)
            {
                out.write(input, offset[r], length[r]);
            }
        }
        return out.toByteArray();
    }

    /**
     * Encode the bytes of 2 or 3 connections as one input, frame by frame in turn (stream 0's HELLO first), as the
     * frames of a real session arrive interleaved.
     *
     * @param streams each connection's bytes, in the order the receiver accepts them.
     * @return the input.
     */
    static byte[] interleave(final List<byte[]> streams)
    {
        if (streams.size() < 2 || streams.size() > 3)
        {
            throw new IllegalArgumentException("2 or 3 connections: " + streams.size());
        }
        final List<List<byte[]>> frames = new ArrayList<>();
        int most = 0;
        for (final byte[] stream : streams)
        {
            final List<byte[]> list = FuzzSessions.frames(stream);
            frames.add(list);
            most = Math.max(most, list.size());
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(streams.size() - 2);
        for (int i = 0; i < most; i++)
        {
            for (int c = 0; c < streams.size(); c++)
            {
                if (i < frames.get(c).size())
                {
                    record(out, c, frames.get(c).get(i));
                }
            }
        }
        return out.toByteArray();
    }

    private static void record(final ByteArrayOutputStream out, final int to, final byte[] bytes)
    {
        for (int done = 0; done < bytes.length; done += MAX_RECORD)
        {
            final int n = Math.min(MAX_RECORD, bytes.length - done);
            out.write(to);
            out.write(n & 0xFF);
            out.write(n >>> 8);
            out.write(bytes, done, n);
        }
    }
}
