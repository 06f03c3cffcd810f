package io.ramshift.engine.transfer;

import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.SourceImage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Both ends of a migration in one process over loopback TCP: a receiver thread on an ephemeral port of
 * 127.0.0.1 and the sender on the calling thread, so the bytes take the same path as between two hosts.
 */
public final class LoopbackMigration
{
    /** Socket buffer size asked for on both ends. */
    public static final int SOCKET_BUFFER_SIZE = 4 << 20;

    private static final long JOIN_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(60);

    private final TransferOptions options;
    private TransferStats senderStats;
    private TransferStats receiverStats;
    private String sourceDescription = "";

    /**
     * @param options settings for both ends.
     */
    public LoopbackMigration(final TransferOptions options)
    {
        this.options = options;
    }

    /** @return the sender's counters of the last run. */
    public TransferStats senderStats()
    {
        return senderStats;
    }

    /** @return the receiver's counters of the last run. */
    public TransferStats receiverStats()
    {
        return receiverStats;
    }

    /** @return what the last source was when it was not a raw image (an ELF view, segments skipped), else empty. */
    public String sourceDescription()
    {
        return sourceDescription;
    }

    /**
     * Migrate an image to a destination file; returns only when the receiver verified and synced it.
     *
     * @param source      image file: raw, or an ELF dump with linear RAM segments (a view, not converted).
     * @param bitmapPath  free-page bitmap file, or null.
     * @param destination file to write.
     */
    public void migrate(final Path source, final Path bitmapPath, final Path destination)
    {
        senderStats = null;
        receiverStats = null;
        sourceDescription = "";
        try (SourceImage image = SourceImage.open(source, options.ramLimit, options.mappingChunkSize);
            ServerSocketChannel server = ServerSocketChannel.open())
        {
            sourceDescription = image.describe();
            final FreePageBitmap bitmap = bitmapPath == null ? null :
                FreePageBitmap.load(bitmapPath, image.image().pageCount());
            server.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_SIZE);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            final io.ramshift.engine.postcopy.PostcopySettings postcopy = options.postcopy;
            if (postcopy != null && postcopy.connector == null)
            {
                final java.net.SocketAddress address = server.getLocalAddress();
                postcopy.connector = () -> SocketChannel.open(address);
            }
            final ReceiverTask task = new ReceiverTask(server, destination);
            final Thread receiverThread = new Thread(task, "ramshift-receiver");
            receiverThread.setDaemon(true);
            receiverThread.start();
            RuntimeException senderFailure = null;
            final SocketChannel[] channels = new SocketChannel[Math.max(1, options.streams)];
            try
            {
                for (int i = 0; i < channels.length; i++)
                {
                    channels[i] = SocketChannel.open(server.getLocalAddress());
                    configure(channels[i]);
                }
                senderStats = new ImageSender(options).send(image, bitmap, channels, "receiver " + server.getLocalAddress());
            }
            catch (final RuntimeException ex)
            {
                senderFailure = ex;
            }
            finally
            {
                for (final SocketChannel channel : channels)
                {
                    if (channel != null)
                    {
                        channel.close();
                    }
                }
            }
            if (senderFailure != null)
            {
                server.close();
            }
            receiverThread.join(JOIN_TIMEOUT_MS);
            if (receiverThread.isAlive())
            {
                receiverThread.interrupt();
                throw new TransferException("receiver thread did not finish within " + JOIN_TIMEOUT_MS + " ms");
            }
            receiverStats = task.stats;
            if (senderFailure != null && !(senderFailure instanceof TransferException) && task.failure != null)
            {
                // the sender gave up on its own (source, options): the receiver only saw the connection go
                senderFailure.addSuppressed(task.failure);
                throw senderFailure;
            }
            if (task.failure != null)
            {
                if (senderFailure != null && senderFailure != task.failure)
                {
                    task.failure.addSuppressed(senderFailure);
                }
                throw task.failure;
            }
            if (senderFailure != null)
            {
                throw senderFailure;
            }
        }
        catch (final IOException ex)
        {
            throw new TransferException("loopback connection failed: " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new TransferException("interrupted while waiting for the receiver", ex);
        }
    }

    /**
     * Socket settings both ends use: large buffers, no Nagle delay for the small control frames.
     *
     * @param channel connected channel.
     * @throws IOException when an option cannot be set.
     */
    public static void configure(final SocketChannel channel) throws IOException
    {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_SIZE);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_SIZE);
    }

    private final class ReceiverTask implements Runnable
    {
        private final ServerSocketChannel server;
        private final Path destination;
        private volatile TransferStats stats;
        private volatile RuntimeException failure;

        ReceiverTask(final ServerSocketChannel server, final Path destination)
        {
            this.server = server;
            this.destination = destination;
        }

        public void run()
        {
            try
            {
                stats = new ImageReceiver(options).receive(server, destination);
            }
            catch (final RamshiftException ex)
            {
                failure = ex;
            }
            catch (final RuntimeException ex)
            {
                failure = ex;
            }
        }
    }
}
