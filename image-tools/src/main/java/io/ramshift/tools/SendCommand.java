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
    RamLimitMixin ram;

    public Integer call()
    {
        final InetSocketAddress address = HostPort.parse(to, null, spec.commandLine());
        final TransferStats stats;
        try (SourceImage source = SourceImage.open(image, ram.ramLimit);
            SocketChannel channel = connect(address))
        {
            SourceReport.describe(spec, source.describe());
            final FreePageBitmap bitmap = freeBitmap == null ? null :
                FreePageBitmap.load(freeBitmap, source.image().pageCount());
            stats = new ImageSender(transfer.toOptions()).send(source, bitmap, channel, "receiver " + address);
        }
        catch (final IOException ex)
        {
            throw new TransferException("connection to " + address + " failed: " + ex.getMessage(), ex);
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
