package io.ramshift.engine.postcopy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: a TCP proxy in front of a receiver whose link can be cut (every connection through it closed at
 * once) and held down (new connections closed at once) until restored.
 */
final class LinkProxy implements AutoCloseable
{
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<SocketChannel> open = new ArrayList<>();
    private final List<Thread> pumps = new ArrayList<>();
    private volatile boolean down;

    LinkProxy(final InetSocketAddress target) throws IOException
    {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(() -> accept(target), "test-link-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() throws IOException
    {
        return (InetSocketAddress)server.getLocalAddress();
    }

    /** Close every connection through the proxy and refuse new ones until {@link #restore()}. */
    synchronized void cut()
    {
        down = true;
        for (final SocketChannel channel : open)
        {
            closeQuietly(channel);
        }
        open.clear();
    }

    /** Let connections through again. */
    void restore()
    {
        down = false;
    }

    private void accept(final InetSocketAddress target)
    {
        try
        {
            while (true)
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
                    closeQuietly(client);
                    continue;
                }
                synchronized (this)
                {
                    open.add(client);
                    open.add(upstream);
                    pumps.add(pump(client, upstream));
                    pumps.add(pump(upstream, client));
                }
            }
        }
        catch (final IOException ignore)
        {
            // closed
        }
    }

    private static Thread pump(final SocketChannel from, final SocketChannel to)
    {
        final Thread thread = new Thread(() ->
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            try
            {
                while (from.read(buffer) >= 0)
                {
                    buffer.flip();
                    while (buffer.hasRemaining())
                    {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
            }
            catch (final IOException ignore)
            {
                // cut or closed
            }
            closeQuietly(from);
            closeQuietly(to);
        }, "test-link-pump");
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
