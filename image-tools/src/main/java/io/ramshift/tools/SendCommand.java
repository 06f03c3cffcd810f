package io.ramshift.tools;

import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.SourceImage;
import io.ramshift.engine.transfer.ImageSender;
import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ramshift send}: sends an image to a {@code ramshift receive} and waits for its verified result.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
    description = "Send an image to a receiver; succeeds only when the receiver verified and synced it.")
final class SendCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE",
        description = "Image file: raw guest RAM, or a QEMU dump-guest-memory ELF (its RAM, read in place).")
    Path image;

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", description = "Receiver address.")
    String to;

    @Option(names = "--free-bitmap", paramLabel = "F", description = "Free-page bitmap: pages set there are not sent.")
    Path freeBitmap;

    @Option(names = "--retry", defaultValue = "0", paramLabel = "N",
        description = "When the connection fails, reconnect and resume up to N times (with backoff 0.5 s .. 5 s); " +
            "a refusal by the receiver (key, destination, protocol) is not retried (default ${DEFAULT-VALUE}).")
    int retry;

    @Mixin
    TransferOptionsMixin transfer;

    @Mixin
    TlsOptionsMixin tls;

    @Mixin
    RamLimitMixin ram;

    @Mixin
    LiveOptionsMixin live;

    @Mixin
    PostcopyOptionsMixin postcopy;

    public Integer call()
    {
        final InetSocketAddress address = HostPort.parse(to, null, spec.commandLine());
        final TransferStats stats;
        final SocketChannel[] channels = new SocketChannel[Math.max(1, transfer.streams)];
        final io.ramshift.engine.transfer.TransferOptions options = transfer.toOptions();
        options.tlsSender = tls.sender(address.getHostString());
        final long start = System.nanoTime();
        try (SourceImage source = SourceImage.open(image, ram.ramLimit);
            TransferMonitor monitor = new TransferMonitor("send", image.toFile().length() / 4096, !transfer.json);
            LiveSession session = live.live ? LiveSession.open(live, image, source.image().pageCount()) : null)
        {
            options.progress = monitor.progress();
            if (session != null)
            {
                options.live = session.rounds();
            }
            postcopy.applySender(options, session == null ? null : session.rounds(), live.live);
            if (options.postcopy != null)
            {
                options.postcopy.connector = () -> connect(address, options.ioTimeoutMs);
            }
            SourceReport.describe(spec, source.describe());
            final FreePageBitmap bitmap = freeBitmap == null ? null :
                FreePageBitmap.load(freeBitmap, source.image().pageCount());
            try
            {
                stats = sendWithRetries(options, source, bitmap, channels, address);
            }
            finally
            {
                postcopy.close();
            }
            monitor.close();
            if (session != null)
            {
                session.finish(spec, live, transfer, monitor, stats, null, start, "ramshift send --live " + image);
                return 0;
            }
            if (transfer.stats && !transfer.json)
            {
                monitor.printStats(spec.commandLine().getOut(), stats, null);
            }
            if (transfer.report != null)
            {
                monitor.writeReport(transfer.report, "ramshift send " + image, stats);
            }
        }
        finally
        {
            for (final SocketChannel channel : channels)
            {
                closeQuietly(channel);
            }
        }
        if (transfer.json)
        {
            spec.commandLine().getOut().println(TransferSummary.json(stats));
        }
        else
        {
            TransferSummary.print(spec.commandLine().getOut(), "sent " + image + " to " + address, stats,
                stats.bytesSent + stats.bytesReceived);
        }
        return 0;
    }

    /**
     * Send; when the connection fails (not when the receiver refuses), wait and resume up to {@code --retry} times:
     * the same session again, which the receiver's journal resumes, so only pages not yet durable travel again.
     */
    private TransferStats sendWithRetries(final io.ramshift.engine.transfer.TransferOptions options,
        final SourceImage source, final FreePageBitmap bitmap, final SocketChannel[] channels,
        final InetSocketAddress address)
    {
        long backoffMs = 500;
        SocketChannel[] open = channels;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                for (int i = 0; i < open.length; i++)
                {
                    open[i] = connect(address, options.ioTimeoutMs);
                }
                channels[0] = open[0];
                return new ImageSender(options).send(source, bitmap, open, "receiver " + address);
            }
            catch (final TransferException ex)
            {
                for (int i = 0; i < open.length; i++)
                {
                    closeQuietly(open[i]);
                    open[i] = null;
                }
                if (attempt >= retry || options.live != null || !RetryPolicy.worthRetrying(ex))
                {
                    throw ex;
                }
                spec.commandLine().getErr().printf("ramshift send: %s; retry %d of %d in %d ms, resuming " +
                    "(pages the destination's journal holds as written and fsynced do not travel again)%n",
                    ex.getMessage(), attempt + 1, retry, backoffMs);
                spec.commandLine().getErr().flush();
                RetryPolicy.pause(backoffMs);
                backoffMs = Math.min(5_000, backoffMs * 2);
                // the same session again with a new id: the receiver's journal decides what is skipped
                options.sessionId = 0;
            }
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
                // nothing left to release
            }
        }
    }

    static SocketChannel connect(final InetSocketAddress address, final long timeoutMs)
    {
        SocketChannel channel = null;
        try
        {
            channel = SocketChannel.open();
            // bounded like every other wait: a link that is down somewhere between the hosts (no RST, no ICMP)
            // would otherwise hold a connect for the kernel's SYN retries, about two minutes per attempt
            channel.socket().connect(address, (int)Math.min(Integer.MAX_VALUE, Math.max(0, timeoutMs)));
            LoopbackMigration.configure(channel);
            return channel;
        }
        catch (final IOException ex)
        {
            if (channel != null)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException ignore)
                {
                    // the connect failed; nothing was sent
                }
            }
            throw new TransferException("cannot connect to receiver " + address + " within " + timeoutMs + " ms: " +
                ex.getMessage(), ex);
        }
    }
}
