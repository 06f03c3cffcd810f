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

    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: migrate, send or receive");
    }
}
