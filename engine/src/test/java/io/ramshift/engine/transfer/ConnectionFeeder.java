package io.ramshift.engine.transfer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays a {@link MultiStreamInput} to a listening receiver over real loopback connections: connects them in order
 * (the receiver accepts them in that order), plus one that closes at once (a receiver waiting for a stream more
 * than the input has gets end of stream instead of waiting for its accept timeout), then writes the records in
 * input order from its own thread, without blocking on a connection the receiver does not read, and ends each
 * connection's output once its bytes are written. Replies are left unread (they are small).
 */
final class ConnectionFeeder implements AutoCloseable
{
    private static final long JOIN_MS = 10_000;

    private final byte[] input;
    private final MultiStreamInput records;
    private final SocketChannel[] channels;
    private final Thread thread;
    private volatile boolean stopped;

    /**
     * Connect and start writing.
     *
     * @param address the receiver's listening address.
     * @param input   the fuzzer's bytes.
     * @param records the records parsed from them.
     */
    ConnectionFeeder(final SocketAddress address, final byte[] input, final MultiStreamInput records)
    {
        this.input = input;
        this.records = records;
        channels = new SocketChannel[records.connections];
        try
        {
            for (int i = 0; i < channels.length; i++)
            {
                channels[i] = SocketChannel.open(address);
            }
            SocketChannel.open(address).close();
        }
        catch (final IOException ex)
        {
            closeChannels();
            throw new UncheckedIOException(ex);
        }
        thread = new Thread(this::feed, "ramshift-test-feeder");
        thread.start();
    }

    private void feed()
    {
        try (Selector selector = Selector.open())
        {
            final List<ArrayDeque<ByteBuffer>> queues = new ArrayList<>();
            for (int i = 0; i < channels.length; i++)
            {
                queues.add(new ArrayDeque<>());
                channels[i].configureBlocking(false);
            }
            for (int r = 0; r < records.records && !stopped; r++)
            {
                final int c = records.connection[r];
                final ByteBuffer bytes = ByteBuffer.wrap(input, records.offset[r], records.length[r]);
                if (queues.get(c).isEmpty() && channels[c].isOpen())
                {
                    write(c, bytes);
                }
                if (bytes.hasRemaining() && channels[c].isOpen())
                {
                    queues.get(c).add(bytes);
                }
            }
            for (int c = 0; c < channels.length; c++)
            {
                channels[c].register(selector, SelectionKey.OP_WRITE, c);
            }
            final boolean[] ended = new boolean[channels.length];
            int open = channels.length;
            while (!stopped && open > 0)
            {
                open = 0;
                for (int c = 0; c < channels.length; c++)
                {
                    while (!queues.get(c).isEmpty() && channels[c].isOpen())
                    {
                        write(c, queues.get(c).peek());
                        if (queues.get(c).peek().hasRemaining())
                        {
                            break;
                        }
                        queues.get(c).poll();
                    }
                    if (channels[c].isOpen() && queues.get(c).isEmpty() && !ended[c])
                    {
                        // everything written: the receiver reads end of stream next
                        ended[c] = true;
                        shutdownOutput(c);
                    }
                    if (channels[c].isOpen() && !queues.get(c).isEmpty())
                    {
                        open++;
                    }
                }
                if (open > 0)
                {
                    selector.select(20);
                    selector.selectedKeys().clear();
                }
            }
        }
        catch (final IOException ex)
        {
            // the harness closed the connections
        }
    }

    private void write(final int c, final ByteBuffer bytes)
    {
        try
        {
            channels[c].write(bytes);
        }
        catch (final IOException ex)
        {
            // the receiver closed this connection: the rest of its bytes go nowhere
            closeQuietly(channels[c]);
        }
    }

    private void shutdownOutput(final int c)
    {
        try
        {
            channels[c].shutdownOutput();
        }
        catch (final IOException ex)
        {
            closeQuietly(channels[c]);
        }
    }

    /** Stop writing, wait for the thread and close every connection. */
    public void close()
    {
        stopped = true;
        try
        {
            thread.join(JOIN_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        closeChannels();
        if (thread.isAlive())
        {
            throw new AssertionError("feeder did not stop");
        }
    }

    private void closeChannels()
    {
        for (final SocketChannel channel : channels)
        {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(final SocketChannel channel)
    {
        if (channel != null)
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
    }
}
