package io.ramshift.tools;

import io.ramshift.engine.TransferException;
import io.ramshift.engine.image.SourceImage;
import io.ramshift.engine.transfer.ImageSender;
import io.ramshift.engine.transfer.TransferOptions;
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
 * {@code ramshift qemu send}: the source host's half: live pre-copy of the guest's RAM file to a
 * {@code ramshift qemu receive}, then the stop and the device state.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
    description = "Source host: carry a running guest's RAM file to 'ramshift qemu receive' (live pre-copy), stop " +
        "the guest, send its device state; exits 0 once the guest runs on the destination.")
final class QemuSendCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RAMFILE", description = "Source guest's RAM file.")
    Path ram;

    @Option(names = "--qmp", required = true, paramLabel = "SOCK", description = "Source QEMU's QMP socket.")
    Path qmp;

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", description = "Receiver address.")
    String to;

    @Mixin
    TransferOptionsMixin transfer;

    @Mixin
    TlsOptionsMixin tls;

    @Mixin
    QemuOptionsMixin qemu;

    public Integer call()
    {
        final long start = System.nanoTime();
        final InetSocketAddress address = HostPort.parse(to, null, spec.commandLine());
        final TransferOptions options = transfer.toOptions();
        options.tlsSender = tls.sender(address.getHostString());
        try (QemuSourceSession source = QemuSourceSession.open(qmp, qemu);
            SourceImage image = SourceImage.open(ram, options.ramLimit);
            SocketChannel channel = SendCommand.connect(address, options.ioTimeoutMs))
        {
            source.apply(options);
            final TransferStats stats;
            try
            {
                stats = new ImageSender(options).send(image, null, new SocketChannel[] {channel},
                    "receiver " + address);
            }
            catch (final RuntimeException ex)
            {
                spec.commandLine().getErr().println("ramshift qemu send: " + source.afterFailure(ex));
                throw ex;
            }
            source.afterSuccess(qemu.quitSource);
            QemuReport.print(spec, transfer.json, source, stats, null, (System.nanoTime() - start) / 1e9,
                (stats.endNanos - source.source().stopNanos()) / 1e9,
                "source stop -> destination verified and resumed (RESULT received)");
        }
        catch (final IOException ex)
        {
            throw new TransferException("cannot connect to receiver " + address + ": " + ex.getMessage(), ex);
        }
        return 0;
    }
}
