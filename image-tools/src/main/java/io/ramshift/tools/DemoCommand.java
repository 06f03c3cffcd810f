package io.ramshift.tools;

import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.image.DataExtents;
import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.transfer.LoopbackMigration;
import io.ramshift.engine.transfer.TransferOptions;
import io.ramshift.engine.verify.ImageComparator;
import io.ramshift.engine.verify.ImageComparison;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code ramshift demo}: generate a synthetic guest image in a temp folder, migrate it over loopback, verify
 * every non-free page, print the figures, clean up.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Generate a synthetic guest RAM image, migrate it over loopback TCP, verify it, print the " +
        "figures, clean up.")
final class DemoCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--size", defaultValue = "1G", description = "Image size (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--profile", defaultValue = "idle",
        description = "idle or post-workload (default ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--seed", defaultValue = "1", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dir", description = "Folder for the files (default: a new temp folder).")
    Path dir;

    @Option(names = "--keep", description = "Keep the generated files.")
    boolean keep;

    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final Path folder = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("ramshift-demo");
        final Path image = folder.resolve("guest.ram");
        final Path bitmap = folder.resolve("guest.free");
        final Path copy = folder.resolve("copy.ram");
        try
        {
            out.printf(Locale.ROOT, "ramshift demo: %s %s guest image in %s%n", size, profile, folder);
            out.flush();
            final CommandLine generate = new CommandLine(new GenerateCommand());
            generate.setOut(out);
            generate.setErr(spec.commandLine().getErr());
            generate.setExecutionExceptionHandler((ex, cl, parsed) ->
            {
                throw ex;
            });
            final int generated = generate.execute("--profile", profile, "--size", size, "--seed", Long.toString(seed),
                "--out", image.toString(), "--free-bitmap", bitmap.toString(), "--force", "--sparse");
            if (generated != 0)
            {
                throw new RamshiftException("generating the demo image failed: exit=" + generated);
            }

            Files.deleteIfExists(copy);
            final long start = System.nanoTime();
            final LoopbackMigration migration = new LoopbackMigration(new TransferOptions());
            migration.migrate(image, bitmap, copy);
            MigrateCommand.report(spec, false, migration, start, "migrated over loopback TCP");

            final ImageComparison comparison;
            try (MappedImage source = MappedImage.openReadOnly(image);
                MappedImage destination = MappedImage.openReadOnly(copy))
            {
                comparison = new ImageComparator(2).compare(source, destination,
                    FreePageBitmap.load(bitmap, source.pageCount()),
                    DataExtents.of(source.path(), source.size()), DataExtents.of(destination.path(), destination.size()));
            }
            out.printf(Locale.ROOT, "independent check (ramshift verify): %s, %,d pages compared, %,d free pages " +
                "skipped, %.3f s%n", comparison.identical() ? "IDENTICAL on every non-free page" :
                comparison.differingPages() + " PAGES DIFFER", comparison.comparedPages(), comparison.freePages(),
                comparison.nanos() / 1e9);
            out.flush();
            return comparison.identical() ? 0 : RamshiftMain.EXIT_FAILURE;
        }
        finally
        {
            if (keep)
            {
                out.println("kept " + folder);
                out.flush();
            }
            else if (dir != null)
            {
                // a folder the user named: remove only what the demo wrote there
                Files.deleteIfExists(image);
                Files.deleteIfExists(bitmap);
                Files.deleteIfExists(copy);
            }
            else
            {
                deleteFolder(folder);
            }
        }
    }

    private static void deleteFolder(final Path folder) throws IOException
    {
        if (!Files.exists(folder))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder))
        {
            final Path[] all = paths.sorted(Comparator.reverseOrder()).toArray(Path[]::new);
            for (final Path path : all)
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
