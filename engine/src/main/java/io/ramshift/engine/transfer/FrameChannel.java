package io.ramshift.engine.transfer;

import io.ramshift.engine.TransferException;
import io.ramshift.layout.ErrorFlyweight;
import io.ramshift.layout.FrameHeaderDescriptor;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ProtocolDescriptor;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * Reads and writes whole frames on a byte channel: one reused direct buffer for incoming frames (never sized from a
 * peer-chosen length beyond the limit) and one for outgoing control frames. A socket channel is switched to
 * non-blocking mode and waited on with a selector, so a peer that stops sending or reading without closing fails
 * the transfer after the idle timeout instead of hanging it.
 */
public final class FrameChannel
{
    private static final int CONTROL_CAPACITY = 2048;

    private final ByteChannel channel;
    private final String peer;
    private final int maxFrameLength;
    private final ByteBuffer inBytes;
    private final UnsafeBuffer in;
    private final ByteBuffer outBytes;
    private final UnsafeBuffer out;
    private final ErrorFlyweight error = new ErrorFlyweight();
    private final long idleTimeoutMs;
    private final Selector selector;
    private final SelectionKey key;
    private long bytesRead;
    private long bytesWritten;

    /**
     * @param channel        connected, blocking.
     * @param peer           name of the peer for messages.
     * @param maxFrameLength largest frame accepted.
     */
    public FrameChannel(final ByteChannel channel, final String peer, final int maxFrameLength)
    {
        this(channel, peer, maxFrameLength, 0);
    }

    /**
     * @param channel        connected; a socket channel is put in non-blocking mode when a timeout is given.
     * @param peer           name of the peer for messages.
     * @param maxFrameLength largest frame accepted.
     * @param idleTimeoutMs  longest wait without progress for a read or write, 0 for none.
     */
    public FrameChannel(final ByteChannel channel, final String peer, final int maxFrameLength,
        final long idleTimeoutMs)
    {
        this.idleTimeoutMs = idleTimeoutMs;
        if (idleTimeoutMs > 0 && channel instanceof SelectableChannel)
        {
            try
            {
                final SelectableChannel selectable = (SelectableChannel)channel;
                selectable.configureBlocking(false);
                this.selector = Selector.open();
                this.key = selectable.register(selector, 0);
            }
            catch (final IOException ex)
            {
                throw new TransferException("cannot watch the connection to " + peer + ": " + ex.getMessage(), ex);
            }
        }
        else
        {
            this.selector = null;
            this.key = null;
        }
        this.channel = channel;
        this.peer = peer;
        this.maxFrameLength = maxFrameLength;
        this.inBytes = BufferUtil.allocateDirectAligned(maxFrameLength, 4096).order(ByteOrder.LITTLE_ENDIAN);
        this.in = new UnsafeBuffer(inBytes);
        this.outBytes = BufferUtil.allocateDirectAligned(CONTROL_CAPACITY, 64).order(ByteOrder.LITTLE_ENDIAN);
        this.out = new UnsafeBuffer(outBytes);
    }

    /** @return buffer holding the last frame read, at offset 0. */
    public UnsafeBuffer in()
    {
        return in;
    }

    /** @return the direct buffer behind {@link #in()}, for slicing payloads (use a duplicate). */
    public ByteBuffer inBytes()
    {
        return inBytes;
    }

    /** @return buffer to encode a control frame into, at offset 0, then {@link #writeControl(int)}. */
    public UnsafeBuffer out()
    {
        return out;
    }

    /** @return bytes read so far. */
    public long bytesRead()
    {
        return bytesRead;
    }

    /** @return bytes written so far. */
    public long bytesWritten()
    {
        return bytesWritten;
    }

    /**
     * Read one whole frame into {@link #in()}.
     *
     * @param expecting what the caller waits for, for the message when the peer closes.
     * @return the frame type.
     */
    public int readFrame(final String expecting)
    {
        readFully(0, FrameHeaderDescriptor.HEADER_LENGTH, expecting);
        final int length = in.getInt(FrameHeaderDescriptor.FRAME_LENGTH_OFFSET, ByteOrder.LITTLE_ENDIAN);
        final int type = in.getShort(FrameHeaderDescriptor.TYPE_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (length < FrameHeaderDescriptor.HEADER_LENGTH || length > maxFrameLength)
        {
            throw new TransferException("frame length out of range from " + peer + ": length=" + length +
                " type=" + ProtocolDescriptor.typeName(type) + " max=" + maxFrameLength);
        }
        readFully(FrameHeaderDescriptor.HEADER_LENGTH, length, expecting);
        if (type == ProtocolDescriptor.TYPE_ERROR)
        {
            final String message;
            try
            {
                error.wrap(in, 0);
                error.validate();
                message = error.message();
            }
            catch (final LayoutException ex)
            {
                throw new TransferException("malformed ERROR frame from " + peer + ": " + ex.getMessage());
            }
            throw new io.ramshift.engine.PeerErrorException(error.code(), peer + " reported an error: " + message);
        }
        return type;
    }

    private void readFully(final int from, final int to, final String expecting)
    {
        inBytes.limit(to).position(from);
        try
        {
            while (inBytes.hasRemaining())
            {
                final int n = channel.read(inBytes);
                if (n < 0)
                {
                    throw new TransferException("connection closed by " + peer + " while waiting for " + expecting +
                        ": got " + inBytes.position() + " of " + (from == 0 ? "a frame header" : to + " bytes"));
                }
                if (n == 0)
                {
                    await(SelectionKey.OP_READ, "waiting for " + expecting);
                }
                bytesRead += n;
            }
        }
        catch (final IOException ex)
        {
            throw new TransferException("connection to " + peer + " failed while waiting for " + expecting + ": " +
                ex.getMessage(), ex);
        }
    }

    /**
     * Write the control frame encoded at offset 0 of {@link #out()}.
     *
     * @param length of the frame.
     */
    public void writeControl(final int length)
    {
        outBytes.limit(length).position(0);
        write(outBytes);
    }

    /**
     * Write one buffer completely.
     *
     * @param source bytes from position to limit.
     */
    public void write(final ByteBuffer source)
    {
        try
        {
            while (source.hasRemaining())
            {
                final int n = channel.write(source);
                if (n == 0)
                {
                    await(SelectionKey.OP_WRITE, "writing");
                }
                bytesWritten += n;
            }
        }
        catch (final IOException ex)
        {
            throw new TransferException("connection to " + peer + " failed while writing: " + ex.getMessage(), ex);
        }
    }

    /**
     * Write buffers completely with gathering writes.
     *
     * @param sources buffers, each from position to limit.
     * @param count   how many of {@code sources} to write.
     */
    public void write(final ByteBuffer[] sources, final int count)
    {
        final GatheringByteChannel gathering = (GatheringByteChannel)channel;
        int first = 0;
        try
        {
            while (first < count)
            {
                final long n = gathering.write(sources, first, count - first);
                if (n == 0)
                {
                    await(SelectionKey.OP_WRITE, "writing");
                }
                bytesWritten += n;
                while (first < count && !sources[first].hasRemaining())
                {
                    first++;
                }
            }
        }
        catch (final IOException ex)
        {
            throw new TransferException("connection to " + peer + " failed while writing: " + ex.getMessage(), ex);
        }
    }

    private void await(final int operation, final String what) throws IOException
    {
        if (selector == null)
        {
            return;
        }
        final long deadline = System.nanoTime() + idleTimeoutMs * 1_000_000L;
        key.interestOps(operation);
        try
        {
            while (true)
            {
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
                if (leftMs <= 0)
                {
                    throw new TransferException("no progress from " + peer + " for " + idleTimeoutMs + " ms while " +
                        what + " (stalled peer?)");
                }
                final int ready = selector.select(leftMs);
                selector.selectedKeys().clear();
                if (ready > 0)
                {
                    return;
                }
            }
        }
        finally
        {
            if (key.isValid())
            {
                key.interestOps(0);
            }
        }
    }

    /**
     * Release the selector (the channel itself belongs to the caller).
     */
    public void close()
    {
        if (selector != null)
        {
            try
            {
                selector.close();
            }
            catch (final IOException ignore)
            {
                // nothing left to release
            }
        }
    }

    /**
     * Best effort: tell the peer why this side gives up; failures to send are ignored (the peer may be gone).
     *
     * @param code    one of {@code ProtocolDescriptor.ERROR_*}.
     * @param message one line.
     */
    public void sendError(final int code, final String message)
    {
        try
        {
            error.wrap(out, 0);
            error.encode(code, message);
            writeControl(error.frameLength());
        }
        catch (final RuntimeException ignore)
        {
            // the connection may already be gone; the local error is what matters
        }
    }
}
