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

    @Mixin
    TransferOptionsMixin transfer;

    @Mixin
    TlsOptionsMixin tls;

    @Mixin
    RamLimitMixin ram;

    @Mixin
    LiveOptionsMixin live;

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
            SourceReport.describe(spec, source.describe());
            final FreePageBitmap bitmap = freeBitmap == null ? null :
                FreePageBitmap.load(freeBitmap, source.image().pageCount());
            for (int i = 0; i < channels.length; i++)
            {
                channels[i] = connect(address);
            }
            stats = new ImageSender(options).send(source, bitmap, channels, "receiver " + address);
            monitor.close();
            if (session != null)
            {
                session.finish(spec, live, transfer, monitor, stats, start, "ramshift send --live " + image);
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

    private static SocketChannel connect(final InetSocketAddress address)
    {
        try
        {
            final SocketChannel channel = SocketChannel.open(address);
            LoopbackMigration.configure(channel);
            return channel;
        }
        catch (final IOException ex)
        {
            throw new TransferException("cannot connect to receiver " + address + ": " + ex.getMessage(), ex);
        }
    }
}
