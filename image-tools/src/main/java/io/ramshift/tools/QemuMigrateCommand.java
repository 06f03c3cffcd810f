package io.ramshift.tools;

import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ramshift qemu migrate}: both QEMUs on this host (another directory stands in for another host), the RAM
 * carried over loopback TCP through ramshift's receiver.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Move a running guest from a source QEMU to a destination QEMU waiting with -incoming defer, " +
        "both on this host; the RAM travels over loopback TCP through ramshift's receiver.")
final class QemuMigrateCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--source-qmp", required = true, paramLabel = "SOCK", description = "Source QEMU's QMP socket.")
    Path sourceQmp;

    @Option(names = "--source-ram", required = true, paramLabel = "FILE",
        description = "Source guest's RAM file (memory-backend-file ... share=on).")
    Path sourceRam;

    @Option(names = "--dest-qmp", required = true, paramLabel = "SOCK", description = "Destination QEMU's QMP socket.")
    Path destQmp;

    @Option(names = "--dest-ram", required = true, paramLabel = "FILE",
        description = "Destination QEMU's RAM file: written in place, never truncated; zero pages stay holes.")
    Path destRam;

    @Mixin
    TransferOptionsMixin transfer;

    @Mixin
    TlsOptionsMixin tls;

    @Mixin
    QemuOptionsMixin qemu;

    public Integer call()
    {
        final long start = System.nanoTime();
        final TransferOptions options = transfer.toOptions();
        tls.loopback(options);
        try (QemuDestinationSession destination = QemuDestinationSession.open(destQmp, destRam, qemu);
            QemuSourceSession source = QemuSourceSession.open(sourceQmp, qemu))
        {
            source.apply(options);
            destination.apply(options);
            final LoopbackMigration migration = new LoopbackMigration(options);
            try
            {
                migration.migrate(sourceRam, null, destRam);
            }
            catch (final RuntimeException ex)
            {
                spec.commandLine().getErr().println("ramshift qemu migrate: " + source.afterFailure(ex));
                throw ex;
            }
            source.afterSuccess(qemu.quitSource);
            final long stopMicros = source.source().stopMicros();
            final long resumeMicros = destination.destination().resumeMicros();
            final double downtime = resumeMicros > 0 ? (resumeMicros - stopMicros) / 1e6 :
                (migration.senderStats().endNanos - source.source().stopNanos()) / 1e9;
            QemuReport.print(spec, transfer.json, source, migration.senderStats(), migration.receiverStats(),
                (System.nanoTime() - start) / 1e9, downtime, resumeMicros > 0 ?
                "source STOP -> destination RESUME, QEMU event timestamps" : "source stop -> verified result");
            if (transfer.stats && !transfer.json)
            {
                MigrateCommand.report(spec, false, migration, start, "RAM carried " + sourceRam + " -> " + destRam);
            }
        }
        return 0;
    }
}
