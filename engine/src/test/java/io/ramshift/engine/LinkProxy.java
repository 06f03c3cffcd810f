package io.ramshift.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Test helper: a TCP proxy on loopback in front of a receiver, standing in for the link between two hosts. The
 * link can be cut (every connection through it closed at once) and held down (new connections closed at once)
 * until restored, the first connection can be dropped after a number of sender bytes, and the sender's direction
 * can be slowed (a chunk, then a pause). A connection whose receiver does not listen (yet) is closed at once and the
 * next one is served.
 */
public final class LinkProxy implements AutoCloseable
{
    private final ServerSocketChannel server;
    private final InetSocketAddress target;
    private final Thread acceptor;
    private final List<SocketChannel> open = new ArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();
    private volatile boolean down;
    private volatile long cutFirstAfter = Long.MAX_VALUE;
    private volatile int chunk = 64 * 1024;
    private volatile long pauseNanos;

    /**
     * @param target the receiver's address.
     * @throws IOException when the proxy cannot listen.
     */
    public LinkProxy(final InetSocketAddress target) throws IOException
    {
        this.target = target;
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::accept, "test-link-proxy");
        acceptor.setDaemon(true);
    }

    /**
     * @param port the receiver's port on loopback.
     * @throws IOException when the proxy cannot listen.
     */
    public LinkProxy(final int port) throws IOException
    {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /**
     * Drop the first connection once this many bytes went from the sender towards the receiver.
     *
     * @param bytes sender bytes let through on the first connection.
     * @return this proxy.
     */
    public LinkProxy cutFirstConnectionAfter(final long bytes)
    {
        cutFirstAfter = bytes;
        return this;
    }

    /**
     * Slow the sender's direction down: at most {@code chunkBytes} per read, then a pause.
     *
     * @param chunkBytes bytes moved at a time.
     * @param pause      nanoseconds between two chunks.
     * @return this proxy.
     */
    public LinkProxy throttle(final int chunkBytes, final long pause)
    {
        chunk = chunkBytes;
        pauseNanos = pause;
        return this;
    }

    /**
     * Start accepting; call once after the settings.
     *
     * @return this proxy.
     */
    public LinkProxy start()
    {
        acceptor.start();
        return this;
    }

    /**
     * @return where senders connect.
     * @throws IOException when the proxy is closed.
     */
    public InetSocketAddress address() throws IOException
    {
        return (InetSocketAddress)server.getLocalAddress();
    }

    /**
     * @return the port senders connect to.
     * @throws IOException when the proxy is closed.
     */
    public int port() throws IOException
    {
        return address().getPort();
    }

    /** Close every connection through the proxy and refuse new ones until {@link #restore()}. */
    public synchronized void cut()
    {
        down = true;
        for (final SocketChannel channel : open)
        {
            closeQuietly(channel);
        }
        open.clear();
    }

    /** Let connections through again. */
    public void restore()
    {
        down = false;
    }

    private void accept()
    {
        try
        {
            for (int connection = 0; ; connection++)
            {
                final SocketChannel client = server.accept();
                if (down)
                {
                    closeQuietly(client);
                    continue;
                }
                final SocketChannel upstream;
                try
                {
                    upstream = SocketChannel.open(target);
                }
                catch (final IOException ex)
                {
                    // nobody listening (yet): this client fails at once, the next one is served
                    closeQuietly(client);
                    continue;
                }
                final long limit = connection == 0 ? cutFirstAfter : Long.MAX_VALUE;
                synchronized (this)
                {
                    open.add(client);
                    open.add(upstream);
                    pumps.add(pump(client, upstream, limit, chunk, pauseNanos, "test-link-up"));
                    pumps.add(pump(upstream, client, Long.MAX_VALUE, 64 * 1024, 0, "test-link-down"));
                }
            }
        }
        catch (final IOException ignore)
        {
            // closed
        }
    }

    private static Thread pump(final SocketChannel from, final SocketChannel to, final long limit,
        final int chunkBytes, final long pause, final String name)
    {
        final Thread thread = new Thread(() ->
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(chunkBytes);
            long moved = 0;
            try
            {
                while (moved < limit && from.read(buffer) >= 0)
                {
                    buffer.flip();
                    moved += buffer.remaining();
                    while (buffer.hasRemaining())
                    {
                        to.write(buffer);
                    }
                    buffer.clear();
                    if (pause > 0)
                    {
                        LockSupport.parkNanos(pause);
                    }
                }
            }
            catch (final IOException ignore)
            {
                // cut or closed
            }
            closeQuietly(from);
            closeQuietly(to);
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void closeQuietly(final SocketChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // already closed
        }
    }

    public void close() throws IOException
    {
        server.close();
        cut();
        try
        {
            acceptor.join(2000);
            final List<Thread> all;
            synchronized (this)
            {
                all = new ArrayList<>(pumps);
            }
            for (final Thread pump : all)
            {
                pump.join(2000);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
