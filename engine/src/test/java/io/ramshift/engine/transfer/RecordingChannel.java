package io.ramshift.engine.transfer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;

/**
 * Wraps a connected socket (blocking) and keeps a copy of every byte written and read, in order: the two
 * directions of a real session, for the fuzz corpus.
 */
final class RecordingChannel implements ByteChannel, GatheringByteChannel
{
    private final SocketChannel socket;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    /**
     * @param socket connected, blocking; closed with this channel.
     */
    RecordingChannel(final SocketChannel socket)
    {
        this.socket = socket;
    }

    /** @return every byte written so far. */
    synchronized byte[] sent()
    {
        return sent.toByteArray();
    }

    /** @return every byte read so far. */
    synchronized byte[] received()
    {
        return received.toByteArray();
    }

    public int read(final ByteBuffer dst) throws IOException
    {
        final int from = dst.position();
        final int n = socket.read(dst);
        if (n > 0)
        {
            copy(received, dst.duplicate().flip().position(from));
        }
        return n;
    }

    public int write(final ByteBuffer src) throws IOException
    {
        final ByteBuffer view = src.duplicate();
        final int n = socket.write(src);
        view.limit(view.position() + Math.max(0, n));
        copy(sent, view);
        return n;
    }

    public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException
    {
        long total = 0;
        for (int i = offset; i < offset + length; i++)
        {
            while (srcs[i].hasRemaining())
            {
                total += write(srcs[i]);
            }
        }
        return total;
    }

    public long write(final ByteBuffer[] srcs) throws IOException
    {
        return write(srcs, 0, srcs.length);
    }

    public boolean isOpen()
    {
        return socket.isOpen();
    }

    public void close() throws IOException
    {
        socket.close();
    }

    private synchronized void copy(final ByteArrayOutputStream to, final ByteBuffer bytes)
    {
        final byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        to.write(copy, 0, copy.length);
    }
}
