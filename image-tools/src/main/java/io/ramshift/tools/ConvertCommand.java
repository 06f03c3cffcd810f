package io.ramshift.tools;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.image.ConversionStats;
import io.ramshift.engine.image.ElfDump;
import io.ramshift.engine.image.ElfDumpExtractor;
import io.ramshift.engine.image.ElfDumpWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ramshift convert}: a QEMU {@code dump-guest-memory} ELF to a raw RAM image, or a raw image to such an ELF.
 */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = "Convert a QEMU dump-guest-memory ELF to a raw RAM image (RAM segments copied to their " +
        "guest-physical address, others skipped, notes saved to OUT.notes), or a raw image to an ELF dump; the " +
        "direction follows IN's magic.")
final class ConvertCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "ELF dump or raw image.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "File to create (raw image or ELF dump).")
    Path out;

    @Mixin
    RamLimitMixin ram;

    @Option(names = "--notes", paramLabel = "F",
        description = "Raw to ELF: ELF notes to put in the PT_NOTE (default: IN.notes when it exists).")
    Path notes;

    @Option(names = "--force", description = "Replace existing outputs.")
    boolean force;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    public Integer call()
    {
        if (Files.exists(out) && isSameFile(in, out))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "IN and OUT are the same file: " + in);
        }
        if (ElfDump.isElf(in))
        {
            if (notes != null)
            {
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--notes is for raw to ELF; ELF to raw writes the notes to OUT.notes");
            }
            return elfToRaw();
        }
        return rawToElf();
    }

    private int elfToRaw()
    {
        final ElfDump dump = ElfDump.read(in, ram.ramLimit);
        final Path notesOut = Path.of(out + ".notes");
        final ConversionStats stats = new ElfDumpExtractor().extract(dump, out, notesOut, force);
        final PrintWriter o = spec.commandLine().getOut();
        if (json)
        {
            o.println(json(stats, "elf-to-raw").field("notesFile", stats.notesBytes > 0 ? notesOut.toString() : ""));
        }
        else
        {
            o.printf(Locale.ROOT, "converted ELF dump %s -> raw %s: %,d bytes of RAM%n", in, out, stats.imageBytes);
            o.printf(Locale.ROOT, "  copied     %d RAM segment%s: %,d bytes read, %,d written, %,d zero pages " +
                "left as holes%n", stats.loadSegments, stats.loadSegments == 1 ? "" : "s", stats.bytesRead,
                stats.bytesWritten, stats.zeroPagesSkipped);
            for (int i = 0; i < dump.segmentCount(); i++)
            {
                if (dump.kind(i) == ElfDump.KIND_OUTSIDE_RAM)
                {
                    o.printf(Locale.ROOT, "  skipped    %s (outside RAM: ends above 0x%x)%n", dump.describe(i),
                        dump.ramLimit());
                }
            }
            o.printf(Locale.ROOT, "  notes      %s%n", stats.notesBytes > 0 ?
                String.format(Locale.ROOT, "%d notes, %,d bytes -> %s", stats.noteCount, stats.notesBytes, notesOut) :
                "none");
            o.printf(Locale.ROOT, "  time       %.3f s%n", stats.seconds());
        }
        o.flush();
        return 0;
    }

    private int rawToElf()
    {
        Path notesPath = notes;
        if (notesPath == null)
        {
            final Path sideFile = Path.of(in + ".notes");
            notesPath = Files.isRegularFile(sideFile) ? sideFile : null;
        }
        final ByteBuffer noteBytes = notesPath == null ? null : ElfDumpWriter.readNotes(notesPath);
        final ConversionStats stats = new ElfDumpWriter().write(in, out, noteBytes, force);
        final PrintWriter o = spec.commandLine().getOut();
        if (json)
        {
            o.println(json(stats, "raw-to-elf").field("notesFile", notesPath == null ? "" : notesPath.toString()));
        }
        else
        {
            o.printf(Locale.ROOT, "converted raw %s -> ELF dump %s: %,d bytes of RAM, file %,d bytes (sparse)%n",
                in, out, stats.imageBytes, stats.outputBytes);
            o.printf(Locale.ROOT, "  written    %d PT_LOAD segment%s at file offset 0x%x + address, %,d bytes of " +
                "data copied%n", stats.loadSegments, stats.loadSegments == 1 ? "" : "s",
                stats.outputBytes - stats.imageBytes, stats.bytesRead);
            o.printf(Locale.ROOT, "  notes      %s%n", notesPath == null ? "none (no PT_NOTE)" :
                String.format(Locale.ROOT, "%d notes, %,d bytes from %s", stats.noteCount, stats.notesBytes,
                notesPath));
            o.printf(Locale.ROOT, "  time       %.3f s%n", stats.seconds());
        }
        o.flush();
        return 0;
    }

    private JsonWriter json(final ConversionStats stats, final String direction)
    {
        return new JsonWriter()
            .field("direction", direction)
            .field("in", in.toString())
            .field("out", out.toString())
            .field("imageBytes", stats.imageBytes)
            .field("loadSegments", stats.loadSegments)
            .field("skippedSegments", stats.skippedSegments)
            .field("skippedBytes", stats.skippedBytes)
            .field("bytesRead", stats.bytesRead)
            .field("bytesWritten", stats.bytesWritten)
            .field("zeroPagesSkipped", stats.zeroPagesSkipped)
            .field("notes", stats.noteCount)
            .field("notesBytes", stats.notesBytes)
            .field("outputBytes", stats.outputBytes)
            .field("seconds", stats.seconds());
    }

    private static boolean isSameFile(final Path a, final Path b)
    {
        try
        {
            return Files.isSameFile(a, b);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot compare " + a + " and " + b + ": " + ex.getMessage(), ex);
        }
    }
}
