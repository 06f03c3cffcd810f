package io.ramshift.engine.transfer;

import io.ramshift.engine.TlsException;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.tls.TlsConnection;
import io.ramshift.engine.tls.TlsSettings;
import io.ramshift.layout.ErrorFlyweight;
import io.ramshift.layout.FrameHeaderDescriptor;
import io.ramshift.layout.LayoutException;
import io.ramshift.layout.ProtocolDescriptor;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import tlschannel.NeedsReadException;
import tlschannel.NeedsWriteException;
import tlschannel.TlsChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Reads and writes whole frames on a byte channel: one reused direct buffer for incoming frames (never sized from a
 * peer-chosen length beyond the limit) and one for outgoing control frames. A socket channel is switched to
 * non-blocking mode and waited on with a selector, so a peer that stops sending or reading without closing fails
 * the transfer after the idle timeout instead of hanging it.
 * <p>
 * With TLS the frames go through a {@link TlsChannel} over the same non-blocking socket: where the plaintext path
 * sees a read or write of 0 bytes, the TLS channel throws {@link NeedsReadException} or {@link NeedsWriteException}
 * (a record needs more bytes, or the socket buffer is full — also during the handshake), and both become a wait on
 * the socket's selector for OP_READ or OP_WRITE with the same idle timeout. The plaintext path is the one it was,
 * one branch per frame away.
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
    private final TlsConnection tls;
    private final TlsChannel tlsChannel;
    private final ByteBuffer[] single = new ByteBuffer[1];
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
        this(channel, null, peer, maxFrameLength, idleTimeoutMs);
    }

    /**
     * @param channel        connected; put in non-blocking mode when a timeout is given.
     * @param tlsSettings    this end's TLS settings (its role: sender or receiver), or null for plaintext.
     * @param peer           name of the peer for messages.
     * @param maxFrameLength largest frame accepted.
     * @param idleTimeoutMs  longest wait without progress for a read or write (the handshake too), 0 for none.
     */
    public FrameChannel(final SocketChannel channel, final TlsSettings tlsSettings, final String peer,
        final int maxFrameLength, final long idleTimeoutMs)
    {
        this((ByteChannel)channel, tlsSettings, peer, maxFrameLength, idleTimeoutMs);
    }

    private FrameChannel(final ByteChannel channel, final TlsSettings tlsSettings, final String peer,
        final int maxFrameLength, final long idleTimeoutMs)
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
        if (tlsSettings != null)
        {
            if (!(channel instanceof SocketChannel))
            {
                throw new IllegalArgumentException("TLS needs a socket channel: " + channel);
            }
            this.tls = tlsSettings.open((SocketChannel)channel);
            this.tlsChannel = tls.channel();
            this.channel = tlsChannel;
        }
        else
        {
            this.tls = null;
            this.tlsChannel = null;
            this.channel = channel;
        }
        this.peer = peer;
        this.maxFrameLength = maxFrameLength;
        this.inBytes = BufferUtil.allocateDirectAligned(maxFrameLength, 4096).order(ByteOrder.LITTLE_ENDIAN);
        this.in = new UnsafeBuffer(inBytes);
        this.outBytes = BufferUtil.allocateDirectAligned(CONTROL_CAPACITY, 64).order(ByteOrder.LITTLE_ENDIAN);
        this.out = new UnsafeBuffer(outBytes);
    }

    /**
     * Run the TLS handshake now (a no-op in plaintext), so that a refused certificate or a peer that does not speak
     * TLS is reported as such, before any frame. A receiver whose peer sent a plaintext ramshift frame answers it
     * with a plaintext ERROR, so that sender too says why.
     */
    public void handshake()
    {
        if (tls == null)
        {
            return;
        }
        try
        {
            while (true)
            {
                try
                {
                    tlsChannel.handshake();
                    return;
                }
                catch (final NeedsReadException ex)
                {
                    await(SelectionKey.OP_READ, "in the TLS handshake");
                }
                catch (final NeedsWriteException ex)
                {
                    await(SelectionKey.OP_WRITE, "in the TLS handshake");
                }
            }
        }
        catch (final IOException ex)
        {
            final TlsException failure = tls.failure(ex, peer, null);
            if (tls.peerSpokePlaintext())
            {
                sendPlaintextError(ProtocolDescriptor.ERROR_PROTOCOL, failure.getMessage());
            }
            throw failure;
        }
    }

    /** @return the negotiated protocol and cipher suite, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384"; null in plaintext. */
    public String tlsSession()
    {
        return tls == null || tls.cipherSuite() == null ? null : tls.protocol() + " " + tls.cipherSuite();
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

    /** @return bytes read so far (with TLS: from the socket, records and handshake included). */
    public long bytesRead()
    {
        return tls == null ? bytesRead : tls.bytesRead();
    }

    /** @return bytes written so far (with TLS: to the socket, records and handshake included). */
    public long bytesWritten()
    {
        return tls == null ? bytesWritten : tls.bytesWritten();
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
        if (bytesRead == FrameHeaderDescriptor.HEADER_LENGTH && tls == null && looksLikeTls())
        {
            final String message = peer + " speaks TLS and this end was started without --tls (use --tls on both " +
                "ends or on neither)";
            drainAvailable();
            sendError(ProtocolDescriptor.ERROR_PROTOCOL, message);
            throw new TlsException(message);
        }
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

    /**
     * A TLS record header where the first frame header should be: handshake (22) or alert (21), version 3.x.
     */
    private boolean looksLikeTls()
    {
        final int contentType = in.getByte(0) & 0xFF;
        return (contentType == 22 || contentType == 21) && in.getByte(1) == 3 && (in.getByte(2) & 0xFF) <= 4;
    }

    /** Read what already arrived (the rest of a TLS ClientHello), so closing does not reset the connection. */
    private void drainAvailable()
    {
        if (selector == null)
        {
            return;
        }
        try
        {
            inBytes.clear();
            channel.read(inBytes);
        }
        catch (final IOException ignore)
        {
            // the error frame is sent anyway
        }
    }

    private void readFully(final int from, final int to, final String expecting)
    {
        if (tls != null)
        {
            readFullyTls(from, to, expecting);
            return;
        }
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

    private void readFullyTls(final int from, final int to, final String expecting)
    {
        inBytes.limit(to).position(from);
        try
        {
            while (inBytes.hasRemaining())
            {
                final int n;
                try
                {
                    n = tlsChannel.read(inBytes);
                }
                catch (final NeedsReadException ex)
                {
                    await(SelectionKey.OP_READ, "waiting for " + expecting);
                    continue;
                }
                catch (final NeedsWriteException ex)
                {
                    await(SelectionKey.OP_WRITE, "waiting for " + expecting);
                    continue;
                }
                if (n < 0)
                {
                    throw new TransferException("connection closed by " + peer + " while waiting for " + expecting +
                        ": got " + inBytes.position() + " of " + (from == 0 ? "a frame header" : to + " bytes"));
                }
            }
        }
        catch (final IOException ex)
        {
            throw tls.failure(ex, peer, "while waiting for " + expecting);
        }
    }

    /**
     * Write every byte of {@code sources[0..count)} through TLS. A write returns normally only when all of them were
     * taken and the records written; a NeedsWriteException may leave records pending even when every source is
     * taken, so the write is called again (with nothing left to take) until it returns.
     */
    private void writeTls(final ByteBuffer[] sources, final int count)
    {
        int first = 0;
        try
        {
            while (true)
            {
                try
                {
                    tlsChannel.write(sources, first, count - first);
                    while (first < count && !sources[first].hasRemaining())
                    {
                        first++;
                    }
                    if (first == count)
                    {
                        return;
                    }
                    throw new TransferException("TLS connection to " + peer + " closed while writing");
                }
                catch (final NeedsWriteException ex)
                {
                    await(SelectionKey.OP_WRITE, "writing");
                }
                catch (final NeedsReadException ex)
                {
                    await(SelectionKey.OP_READ, "writing");
                }
                while (first < count && !sources[first].hasRemaining())
                {
                    first++;
                }
            }
        }
        catch (final IOException ex)
        {
            throw tls.failure(ex, peer, "while writing");
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
        if (tls != null)
        {
            single[0] = source;
            try
            {
                writeTls(single, 1);
            }
            finally
            {
                single[0] = null;
            }
            return;
        }
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
        if (tls != null)
        {
            writeTls(sources, count);
            return;
        }
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
     * Release the selector and the TLS buffers (the socket itself belongs to the caller).
     */
    public void close()
    {
        if (tls != null)
        {
            tls.close();
        }
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
     * Best effort, on the socket itself: an ERROR frame in plaintext for a peer that does not speak TLS.
     */
    private void sendPlaintextError(final int code, final String message)
    {
        try
        {
            error.wrap(out, 0);
            error.encode(code, message);
            outBytes.limit(error.frameLength()).position(0);
            final SocketChannel socket = tls.socket();
            while (outBytes.hasRemaining())
            {
                if (socket.write(outBytes) == 0)
                {
                    await(SelectionKey.OP_WRITE, "writing");
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // the connection may already be gone; the local error is what matters
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
