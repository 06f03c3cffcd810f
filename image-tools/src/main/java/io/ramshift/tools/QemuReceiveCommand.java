package io.ramshift.tools;

import io.ramshift.engine.TransferException;
import io.ramshift.engine.transfer.ImageReceiver;
import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferOptions;
import io.ramshift.engine.transfer.TransferStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ramshift qemu receive}: the destination host's half: write the guest's RAM into the waiting QEMU's RAM
 * file in place, read it back and verify it, then load the device state and resume the guest.
 */
@Command(name = "receive", mixinStandardHelpOptions = true,
    description = "Destination host: write a guest's RAM into the RAM file of a QEMU waiting with -incoming defer, " +
        "verify it, load the device state and resume the guest; exits 0 once the guest runs.")
final class QemuReceiveCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--qmp", required = true, paramLabel = "SOCK", description = "Destination QEMU's QMP socket.")
    Path qmp;

    @Option(names = "--listen", required = true, paramLabel = "[HOST:]PORT",
        description = "Address to listen on (HOST defaults to 0.0.0.0).")
    String listen;

    @Option(names = "--out", required = true, paramLabel = "RAMFILE",
        description = "The destination QEMU's RAM file: written in place, never truncated; zero pages stay holes.")
    Path out;

    @Mixin
    TransferOptionsMixin transfer;

    @Mixin
    TlsOptionsMixin tls;

    @Mixin
    QemuOptionsMixin qemu;

    public Integer call()
    {
        final InetSocketAddress address = HostPort.parse(listen, "0.0.0.0", spec.commandLine());
        final TransferOptions options = transfer.toOptions();
        options.tlsReceiver = tls.receiver();
        final TransferStats stats;
        try (QemuDestinationSession destination = QemuDestinationSession.open(qmp, out, qemu);
            ServerSocketChannel server = ServerSocketChannel.open())
        {
            destination.apply(options);
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.setOption(StandardSocketOptions.SO_RCVBUF, LoopbackMigration.SOCKET_BUFFER_SIZE);
            server.bind(address);
            spec.commandLine().getErr().println("ramshift qemu receive: listening on " + server.getLocalAddress() +
                ", writing " + out + (options.tlsReceiver == null ? "" : ", " + options.tlsReceiver));
            spec.commandLine().getErr().flush();
            stats = new ImageReceiver(options).receive(server, out);
        }
        catch (final IOException ex)
        {
            throw new TransferException("cannot receive on " + address + ": " + ex.getMessage(), ex);
        }
        if (transfer.json)
        {
            spec.commandLine().getOut().println(TransferSummary.json(stats)
                .field("readBackSeconds", stats.readBackNanos / 1e9)
                .field("deviceStateBytes", stats.deviceStateBytes)
                .field("deviceStateLoadSeconds", stats.deviceStateLoadNanos / 1e9));
        }
        else
        {
            TransferSummary.print(spec.commandLine().getOut(), "received guest RAM into " + out, stats,
                stats.bytesSent + stats.bytesReceived);
            spec.commandLine().getOut().printf(Locale.ROOT, "  guest RUNNING here: RAM read back and verified in " +
                "%.1f ms, device state %,d bytes loaded and guest resumed in %.1f ms%n", stats.readBackNanos / 1e6,
                stats.deviceStateBytes, stats.deviceStateLoadNanos / 1e6);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
