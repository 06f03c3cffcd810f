package io.ramshift.tools;

import io.ramshift.engine.RamshiftException;
import io.ramshift.layout.LayoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code ramshift} command: parses the subcommand, runs it, and turns project errors into one line and a
 * non-zero exit code.
 */
@Command(
    name = "ramshift",
    mixinStandardHelpOptions = true,
    versionProvider = RamshiftMain.Version.class,
    description = "Moves guest RAM images between machines: skips free, zero and known pages, sends the rest.")
public final class RamshiftMain implements Runnable
{
    /** Exit code of a run that failed with a reported reason. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code of a bad command line (picocli's default). */
    public static final int EXIT_USAGE = 2;
    /** Exit code of an unexpected internal error (a bug). */
    public static final int EXIT_INTERNAL = 3;

    /** Subcommands in usage order; the model of only the one named is built (picocli reflects ~0.1 s per tree). */
    private static final String[] SUBCOMMAND_NAMES =
        {"send", "receive", "demo", "migrate", "generate", "mutate", "inspect", "manifest", "verify", "dirty", "convert",
            "qemu", "help"};
    private static final Class<?>[] SUBCOMMANDS =
        {SendCommand.class, ReceiveCommand.class, DemoCommand.class, MigrateCommand.class, GenerateCommand.class,
            MutateCommand.class, InspectCommand.class, ManifestCommand.class, VerifyCommand.class, DirtyCommand.class,
            ConvertCommand.class, QemuCommand.class, CommandLine.HelpCommand.class};

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Entry point.
     *
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /**
     * Run a command line and return its exit code (used by tests).
     *
     * @param args command line.
     * @return exit code.
     */
    public static int run(final String... args)
    {
        return commandLine(args).execute(args);
    }

    /**
     * Run a command line writing to the given streams instead of standard output and error (used by tests).
     *
     * @param out  receives the command's output.
     * @param err  receives errors and usage messages.
     * @param args command line.
     * @return exit code.
     */
    static int run(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = commandLine(args);
        commandLine.setOut(out);
        commandLine.setErr(err);
        final int exitCode = commandLine.execute(args);
        out.flush();
        err.flush();
        return exitCode;
    }

    private static CommandLine commandLine(final String... args)
    {
        final String first = args.length > 0 ? args[0] : "";
        if ("qemu".equals(first))
        {
            QemuCommand.preloadAsync();
        }
        final CommandLine commandLine = new CommandLine(new RamshiftMain());
        int named = -1;
        for (int i = 0; i < SUBCOMMAND_NAMES.length; i++)
        {
            if (SUBCOMMAND_NAMES[i].equals(first) && !"help".equals(first))
            {
                named = i;
            }
        }
        for (int i = 0; i < SUBCOMMANDS.length; i++)
        {
            // usage, help and an unknown name need them all; a command needs only itself
            if (named < 0 || i == named)
            {
                commandLine.addSubcommand(SUBCOMMAND_NAMES[i], SUBCOMMANDS[i]);
            }
        }
        commandLine.setExecutionExceptionHandler(RamshiftMain::handleFailure);
        return commandLine;
    }

    private static int handleFailure(
        final Exception ex, final CommandLine commandLine, final CommandLine.ParseResult parseResult)
    {
        final PrintWriter err = commandLine.getErr();
        if (ex instanceof RamshiftException || ex instanceof LayoutException)
        {
            err.println("ramshift " + commandLine.getCommandName() + ": " + ex.getMessage());
            err.flush();
            return EXIT_FAILURE;
        }
        err.println("ramshift " + commandLine.getCommandName() + ": internal error: " + ex);
        ex.printStackTrace(err);
        err.flush();
        return EXIT_INTERNAL;
    }

    /**
     * Without a subcommand, print the usage.
     */
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            final String version = RamshiftMain.class.getPackage().getImplementationVersion();
            return new String[] {"ramshift " + (version == null ? "dev" : version) + ", wire protocol v" +
                io.ramshift.layout.ProtocolDescriptor.VERSION};
        }
    }
}
