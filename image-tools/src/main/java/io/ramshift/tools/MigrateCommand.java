package io.ramshift.tools;

import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferOptions;
import io.ramshift.engine.transfer.TransferStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ramshift migrate}: both ends in one process over loopback TCP.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Migrate SRC into DST over loopback TCP (sender and receiver in one process).")
final class MigrateCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC",
        description = "Source image: raw, or a QEMU dump-guest-memory ELF (its RAM, read in place).")
    Path source;

    @Parameters(index = "1", paramLabel = "DST", description = "Destination file.")
    Path destination;

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

    @Mixin
    PostcopyOptionsMixin postcopy;

    public Integer call()
    {
        final long start = System.nanoTime();
        final TransferOptions options = transfer.toOptions();
        tls.loopback(options);
        options.ramLimit = ram.ramLimit;
        final long pages = source.toFile().length() / 4096;
        try (TransferMonitor monitor = new TransferMonitor("migrate", pages, !transfer.json);
            LiveSession session = live.live ? LiveSession.open(live, source, pages) : null)
        {
            options.progress = monitor.progress();
            if (session != null)
            {
                options.live = session.rounds();
            }
            postcopy.applySender(options, session == null ? null : session.rounds(), live.live);
            if (postcopy.enabled())
            {
                postcopy.applyReceiver(options);
            }
            final LoopbackMigration migration = new LoopbackMigration(options);
            try
            {
                migration.migrate(source, freeBitmap, destination);
            }
            finally
            {
                postcopy.finishReaders();
                postcopy.close();
            }
            monitor.close();
            if (session != null)
            {
                session.finish(spec, live, transfer, monitor, migration.senderStats(), migration.receiverStats(),
                    start,
                    "ramshift migrate --live " + source);
                return 0;
            }
            SourceReport.describe(spec, migration.sourceDescription());
            report(spec, transfer.json, migration, start, "migrated " + source + " -> " + destination);
            if (transfer.stats && !transfer.json)
            {
                monitor.printStats(spec.commandLine().getOut(), migration.senderStats(), migration.receiverStats());
            }
            if (transfer.report != null)
            {
                monitor.writeReport(transfer.report, "ramshift migrate " + source, migration.senderStats());
            }
        }
        return 0;
    }

    static void report(final CommandSpec spec, final boolean json, final LoopbackMigration migration,
        final long startNanos, final String title)
    {
        final TransferStats sender = migration.senderStats();
        final TransferStats receiver = migration.receiverStats();
        final double commandSeconds = (System.nanoTime() - startNanos) / 1e9;
        if (json)
        {
            spec.commandLine().getOut().println(new JsonWriter()
                .field("verified", sender.verified && receiver.verified)
                .field("commandSeconds", commandSeconds)
                .field("bytesOnWire", sender.bytesSent + sender.bytesReceived)
                .object("sender", TransferSummary.json(sender))
                .object("receiver", TransferSummary.json(receiver)));
        }
        else
        {
            TransferSummary.print(spec.commandLine().getOut(), title, sender, sender.bytesSent + sender.bytesReceived);
            spec.commandLine().getOut().printf(java.util.Locale.ROOT,
                "  receiver   %,d bytes written, destination %s, fsync %.3f s; stages: hash %.3f s  lz4 %.3f s  " +
                "socket %.3f s  file %.3f s%n",
                receiver.bytesWritten, TransferSummary.destinationName(receiver.destinationState),
                receiver.syncNanos / 1e9, receiver.hashNanos / 1e9, receiver.codecNanos / 1e9,
                receiver.socketNanos / 1e9, receiver.fileNanos / 1e9);
            spec.commandLine().getOut().flush();
        }
    }
}
