package io.ramshift.engine.transfer;

import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * A connection in memory for fuzzing one end of a session: reads serve a fixed byte array (then end of stream, never
 * a zero-length read, so a blocking {@link FrameChannel} cannot spin) and writes are counted and discarded. Reads
 * and writes may come from different threads (a sender's writer thread writes while its stream thread reads).
 */
final class InputChannel implements ByteChannel, GatheringByteChannel, ScatteringByteChannel
{
    private final byte[] input;
    private int position;
    private volatile long written;
    private volatile boolean open = true;

    /**
     * @param input the bytes the peer "sends".
     */
    InputChannel(final byte[] input)
    {
        this.input = input;
    }

    /** @return bytes of the input read so far. */
    int consumed()
    {
        return position;
    }

    /** @return bytes written to the peer (discarded). */
    long written()
    {
        return written;
    }

    public synchronized int read(final ByteBuffer dst) throws ClosedChannelException
    {
        ensureOpen();
        if (position >= input.length)
        {
            return -1;
        }
        final int n = Math.min(dst.remaining(), input.length - position);
        dst.put(input, position, n);
        position += n;
        return n;
    }

    public long read(final ByteBuffer[] dsts, final int offset, final int length) throws ClosedChannelException
    {
        long total = 0;
        for (int i = offset; i < offset + length; i++)
        {
            if (dsts[i].hasRemaining())
            {
                final int n = read(dsts[i]);
                if (n < 0)
                {
                    return total == 0 ? -1 : total;
                }
                total += n;
            }
        }
        return total;
    }

    public long read(final ByteBuffer[] dsts) throws ClosedChannelException
    {
        return read(dsts, 0, dsts.length);
    }

    public synchronized int write(final ByteBuffer src) throws ClosedChannelException
    {
        ensureOpen();
        final int n = src.remaining();
        src.position(src.limit());
        written += n;
        return n;
    }

    public long write(final ByteBuffer[] srcs, final int offset, final int length) throws ClosedChannelException
    {
        long total = 0;
        for (int i = offset; i < offset + length; i++)
        {
            total += write(srcs[i]);
        }
        return total;
    }

    public long write(final ByteBuffer[] srcs) throws ClosedChannelException
    {
        return write(srcs, 0, srcs.length);
    }

    public boolean isOpen()
    {
        return open;
    }

    public void close()
    {
        open = false;
    }

    private void ensureOpen() throws ClosedChannelException
    {
        if (!open)
        {
            throw new ClosedChannelException();
        }
    }
}
