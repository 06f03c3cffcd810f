package io.ramshift.tools;

import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.SourceImage;
import io.ramshift.engine.scan.ImageInspection;
import io.ramshift.engine.scan.ImageInspector;
import io.ramshift.engine.scan.LayoutExpectation;
import io.ramshift.engine.scan.PageClass;
import io.ramshift.engine.verify.ManifestSidecar;
import io.ramshift.engine.verify.SidecarStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ramshift inspect}: what is inside an image, what must travel, and whether its sidecar manifest is valid.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Pages per class, holes, runs, duplicates, LZ4 ratio and the information floor of an image.")
final class InspectCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image file: raw, or a QEMU ELF dump (its RAM).")
    Path image;

    @Option(names = "--free-bitmap", paramLabel = "F", description = "Free-page bitmap.")
    Path freeBitmap;

    @Option(names = "--no-holes", description = "Do not look for holes (read every page).")
    boolean noHoles;

    @Option(names = "--layout", paramLabel = "L",
        description = "Layout file written by 'generate --layout': check every count against it exactly (exit 1 if not).")
    Path layout;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    @Mixin
    RamLimitMixin ram;

    public Integer call()
    {
        final ImageInspection r;
        String layoutMismatches = null;
        try (SourceImage source = SourceImage.open(image, ram.ramLimit))
        {
            SourceReport.describe(spec, source.describe());
            final FreePageBitmap bitmap = freeBitmap == null ? null :
                FreePageBitmap.load(freeBitmap, source.image().pageCount());
            r = new ImageInspector().inspect(source.image(), bitmap, source.extents(!noHoles));
            if (layout != null)
            {
                layoutMismatches = LayoutExpectation.read(layout, source.image().pageCount(), bitmap != null)
                    .mismatches(r);
            }
        }
        final String sidecar;
        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            sidecar = status.describe();
        }
        final PrintWriter out = spec.commandLine().getOut();
        final io.ramshift.engine.transfer.TransferJournal.State journalState =
            io.ramshift.engine.transfer.TransferJournal.state(image);
        if (json)
        {
            final JsonWriter histogram = new JsonWriter();
            for (int c = PageClass.FREE; c <= PageClass.DATA; c++)
            {
                final JsonWriter buckets = new JsonWriter();
                for (int b = 0; b < ImageInspection.BUCKETS; b++)
                {
                    if (r.histogram[c][b] != 0)
                    {
                        buckets.field(Long.toString(1L << b), r.histogram[c][b]);
                    }
                }
                histogram.object(PageClass.name(c), buckets);
            }
            out.println(new JsonWriter()
                .field("image", image.toString())
                .field("imageBytes", r.imageBytes)
                .field("pages", r.pages)
                .field("freePages", r.freePages)
                .field("zeroPages", r.zeroPages)
                .field("dataPages", r.dataPages)
                .field("duplicatePages", r.duplicatePages)
                .field("holeBytes", r.holeBytes)
                .field("freeRuns", r.runs[PageClass.FREE])
                .field("zeroRuns", r.runs[PageClass.ZERO])
                .field("dataRuns", r.runs[PageClass.DATA])
                .field("lz4Ratio", r.lz4Ratio())
                .field("floorBytes", r.floorBytes())
                .field("floorPercent", 100.0 * r.floorBytes() / r.imageBytes)
                .field("layoutCheck", layout == null ? null : layoutMismatches == null ? "ok" : layoutMismatches)
                .field("sidecar", sidecar)
                .field("journal", io.ramshift.engine.transfer.TransferJournal.describe(image))
                .field("incomplete", journalState != null)
                .field("journalDurablePages", journalState == null ? 0 : journalState.durablePages())
                .field("journalPages", journalState == null ? 0 : journalState.pages())
                .field("journalAttempts", journalState == null ? 0 : journalState.attempts())
                .field("journalSession", journalState == null ? null : Long.toHexString(journalState.sessionId()))
                .field("seconds", r.nanos / 1e9)
                .object("runLengthHistogram", histogram));
        }
        else
        {
            out.printf(Locale.ROOT, "%s: %,d bytes, %,d pages of 4096%n", image, r.imageBytes, r.pages);
            out.printf(Locale.ROOT, "  free       %,13d pages %6.2f%%  in %,d runs%n", r.freePages,
                pct(r.freePages, r.pages), r.runs[PageClass.FREE]);
            out.printf(Locale.ROOT, "  zero       %,13d pages %6.2f%%  in %,d runs (holes: %,d bytes)%n", r.zeroPages,
                pct(r.zeroPages, r.pages), r.runs[PageClass.ZERO], r.holeBytes);
            out.printf(Locale.ROOT, "  data       %,13d pages %6.2f%%  in %,d runs, %,d duplicates%n", r.dataPages,
                pct(r.dataPages, r.pages), r.runs[PageClass.DATA], r.duplicatePages);
            out.printf(Locale.ROOT, "  lz4        %.2fx on unique data pages (each page alone)%n", r.lz4Ratio());
            out.printf(Locale.ROOT, "  floor      %,d bytes must travel (%.2f%% of the image)%n", r.floorBytes(),
                pct(r.floorBytes(), r.imageBytes));
            out.printf(Locale.ROOT, "  run lengths (pages: free/zero/data runs)%n");
            for (int b = 0; b < ImageInspection.BUCKETS; b++)
            {
                final long f = r.histogram[PageClass.FREE][b];
                final long z = r.histogram[PageClass.ZERO][b];
                final long d = r.histogram[PageClass.DATA][b];
                if (f + z + d != 0)
                {
                    out.printf(Locale.ROOT, "    %10d..%-10d %,10d %,10d %,10d%n", 1L << b, (2L << b) - 1, f, z, d);
                }
            }
            out.printf(Locale.ROOT, "  sidecar    %s (%s)%n", sidecar, ManifestSidecar.pathFor(image).getFileName());
            final String journal = io.ramshift.engine.transfer.TransferJournal.describe(image);
            if (journal != null)
            {
                out.printf(Locale.ROOT, "  journal    %s%n", journal);
            }
            out.printf(Locale.ROOT, "  time       %.3f s%n", r.nanos / 1e9);
            if (layout != null)
            {
                out.println("  layout     " + (layoutMismatches == null ? "every count matches " + layout :
                    "MISMATCH " + layoutMismatches));
            }
        }
        out.flush();
        return layoutMismatches == null ? 0 : RamshiftMain.EXIT_FAILURE;
    }

    private static double pct(final long part, final long whole)
    {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
