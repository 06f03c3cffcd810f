package io.ramshift.engine.transfer;

import io.ramshift.engine.ResourceLeakExtension;
import io.ramshift.engine.tls.TestCertificates;
import io.ramshift.layout.FrameHeaderDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames through TLS over non-blocking sockets with small buffers, so that nearly every record write meets a full
 * socket (NeedsWriteException) and every frame read waits for records (NeedsReadException): gathered frames of
 * odd sizes arrive whole and in order, and the byte counts are those of the socket (records included).
 */
@ExtendWith(ResourceLeakExtension.class)
class FrameChannelTlsTest
{
    private static final int FRAMES = 40;
    private static final int MAX_FRAME = 1 << 20;
    private static final int SMALL_BUFFER = 64 << 10;

    @TempDir
    Path dir;

    @Test
    void shouldCarryGatheredFramesWholeThroughFullSocketBuffers() throws Exception
    {
        final TestCertificates certs = TestCertificates.copyTo(dir);
        final AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        final long[] readerBytes = new long[2];
        try (ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final Thread reader = new Thread(() ->
            {
                try (SocketChannel accepted = server.accept())
                {
                    accepted.setOption(StandardSocketOptions.SO_RCVBUF, SMALL_BUFFER);
                    accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    final FrameChannel frames = new FrameChannel(accepted, certs.receiver("server"), "writer",
                        MAX_FRAME, 10_000);
                    try
                    {
                        frames.handshake();
                        for (int i = 0; i < FRAMES; i++)
                        {
                            frames.readFrame("frame " + i);
                            final int length = frames.in().getInt(0, ByteOrder.LITTLE_ENDIAN);
                            assertEquals(frameLength(i), length);
                            for (int at = FrameHeaderDescriptor.HEADER_LENGTH; at < length; at += 997)
                            {
                                assertEquals(pattern(i, at), frames.in().getByte(at), "frame " + i + " byte " + at);
                            }
                            Thread.sleep(i % 8 == 0 ? 5 : 0);
                        }
                        // an acknowledgement, so that both ends count before either closes (close_notify)
                        frames.out().putInt(0, FrameHeaderDescriptor.HEADER_LENGTH, ByteOrder.LITTLE_ENDIAN);
                        frames.out().putInt(4, 4, ByteOrder.LITTLE_ENDIAN);
                        frames.writeControl(FrameHeaderDescriptor.HEADER_LENGTH);
                        readerBytes[0] = frames.bytesRead();
                        readerBytes[1] = frames.bytesWritten();
                    }
                    finally
                    {
                        frames.close();
                    }
                }
                catch (final Throwable ex)
                {
                    readerFailure.set(ex);
                }
            }, "ramshift-test-reader");
            reader.start();
            long written;
            long read;
            long payload = 0;
            try (SocketChannel channel = SocketChannel.open(server.getLocalAddress()))
            {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, SMALL_BUFFER);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                final FrameChannel frames = new FrameChannel(channel, certs.sender(), "reader", MAX_FRAME, 10_000);
                try
                {
                    frames.handshake();
                    assertTrue(frames.tlsSession().startsWith("TLSv1.3 "), frames.tlsSession());
                    for (int i = 0; i < FRAMES; i++)
                    {
                        final ByteBuffer[] parts = frame(i);
                        frames.write(parts, parts.length);
                        for (final ByteBuffer part : parts)
                        {
                            assertFalse(part.hasRemaining());
                        }
                        payload += frameLength(i);
                    }
                    assertEquals(4, frames.readFrame("the acknowledgement"));
                    written = frames.bytesWritten();
                    read = frames.bytesRead();
                }
                finally
                {
                    frames.close();
                }
                reader.join(30_000);
            }
            assertFalse(reader.isAlive(), "reader still running");
            assertNull(readerFailure.get(), () -> "reader failed: " + readerFailure.get());
            assertTrue(written > payload, "records and handshake count: written=" + written + " payload=" + payload);
            assertTrue(written < payload + payload / 50 + 10_000, "record overhead is small: " + written);
            assertEquals(written, readerBytes[0], "the reader read what the writer wrote on the socket");
            assertTrue(read >= readerBytes[1], "the writer read what the reader wrote (and maybe its close_notify)");
        }
    }

    private static int frameLength(final int i)
    {
        return FrameHeaderDescriptor.HEADER_LENGTH + 1 + (i * 104_729) % (MAX_FRAME - 64);
    }

    private static byte pattern(final int frame, final int offset)
    {
        return (byte)(frame * 31 + offset * 7);
    }

    /** A frame in parts of odd sizes, the first with the header, as direct and heap buffers. */
    private static ByteBuffer[] frame(final int i)
    {
        final int length = frameLength(i);
        final ByteBuffer whole = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
        whole.putInt(0, length);
        whole.putShort(4, (short)3);
        for (int at = FrameHeaderDescriptor.HEADER_LENGTH; at < length; at++)
        {
            whole.put(at, pattern(i, at));
        }
        final int cuts = 1 + i % 5;
        final ByteBuffer[] parts = new ByteBuffer[cuts];
        int from = 0;
        for (int c = 0; c < cuts; c++)
        {
            final int to = c == cuts - 1 ? length : Math.min(length, from + FrameHeaderDescriptor.HEADER_LENGTH +
                (length / cuts) + 13 * c);
            parts[c] = whole.duplicate().limit(to).position(from).slice();
            from = to;
        }
        return parts;
    }
}
