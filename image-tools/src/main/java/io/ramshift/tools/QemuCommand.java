package io.ramshift.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ramshift qemu}: move a running QEMU guest whose RAM is a shared file, with ramshift carrying the RAM.
 */
@Command(name = "qemu", mixinStandardHelpOptions = true,
    description = "Move a running QEMU guest (memory-backend-file share=on) with ramshift carrying its RAM.",
    subcommands = {QemuMigrateCommand.class, QemuSendCommand.class, QemuReceiveCommand.class,
        CommandLine.HelpCommand.class})
final class QemuCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Start loading what every qemu subcommand needs at once — the JSON reader for QMP and jnr for SEEK_DATA on the
     * sparse RAM file, ~0.3 s together on a cold JVM — on a background thread while the command line is parsed.
     */
    static void preloadAsync()
    {
        final Thread thread = new Thread(() ->
        {
            io.ramshift.engine.qemu.QmpClient.preload();
            io.ramshift.engine.image.SparseFile.preload();
        }, "ramshift-qemu-preload");
        thread.setDaemon(true);
        thread.start();
    }

    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: migrate, send or receive");
    }
}
