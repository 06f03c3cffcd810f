package io.ramshift.tools;

import io.ramshift.engine.image.FreePageBitmap;
import io.ramshift.engine.image.SourceImage;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.verify.ImageComparator;
import io.ramshift.engine.verify.ImageComparison;
import io.ramshift.engine.verify.PageManifest;
import picocli.CommandLine;
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
 * {@code ramshift verify}: compares two images, or an image and a manifest, on every non-free page.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Compare A with B (or A with --manifest M) page by page, skipping free pages; exit 1 on any " +
        "difference.")
final class VerifyCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "Image: raw, or a QEMU ELF dump (its RAM).")
    Path a;

    @Parameters(index = "1", arity = "0..1", paramLabel = "B",
        description = "Image to compare with A: raw, or a QEMU ELF dump (its RAM).")
    Path b;

    @Option(names = "--manifest", paramLabel = "M", description = "Manifest to compare A with (instead of B).")
    Path manifest;

    @Option(names = "--free-bitmap", paramLabel = "F", description = "Free-page bitmap: pages set are skipped.")
    Path freeBitmap;

    @Option(names = "--threads", defaultValue = "2", description = "Threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    @Mixin
    RamLimitMixin ram;

    public Integer call()
    {
        if ((b == null) == (manifest == null))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either B or --manifest M");
        }
        final ImageComparison result;
        try (SourceImage sourceA = SourceImage.open(a, ram.ramLimit))
        {
            SourceReport.describe(spec, sourceA.describe());
            final MappedImage imageA = sourceA.image();
            final FreePageBitmap bitmap = freeBitmap == null ? null : FreePageBitmap.load(freeBitmap, imageA.pageCount());
            if (manifest != null)
            {
                try (PageManifest m = PageManifest.open(manifest))
                {
                    result = m.compare(imageA, sourceA.extents(true), bitmap, threads);
                }
            }
            else
            {
                try (SourceImage sourceB = SourceImage.open(b, ram.ramLimit))
                {
                    SourceReport.describe(spec, sourceB.describe());
                    result = new ImageComparator(threads).compare(imageA, sourceB.image(), bitmap,
                        sourceA.extents(true), sourceB.extents(true));
                }
            }
        }
        print(result);
        // an interrupted transfer into either image: say so whatever the bytes say
        for (final Path image : b == null ? new Path[] {a} : new Path[] {a, b})
        {
            final String journal = io.ramshift.engine.transfer.TransferJournal.describe(image);
            if (journal != null)
            {
                spec.commandLine().getErr().println("ramshift verify: " + image + ": " + journal);
                spec.commandLine().getErr().flush();
            }
        }
        return result.identical() ? 0 : RamshiftMain.EXIT_FAILURE;
    }

    private void print(final ImageComparison r)
    {
        final PrintWriter out = spec.commandLine().getOut();
        final String other = manifest != null ? "manifest " + manifest : b.toString();
        final StringBuilder first = new StringBuilder();
        for (int i = 0; i < r.firstDiffering().size(); i++)
        {
            first.append(i == 0 ? "" : ",").append(r.firstDiffering().getLong(i));
        }
        final double seconds = r.nanos() / 1e9;
        // the destination (the second image) is the one a transfer journals; without one, the first
        final Path journalOf = b != null && io.ramshift.engine.transfer.TransferJournal.state(b) != null ? b : a;
        final io.ramshift.engine.transfer.TransferJournal.State journal =
            io.ramshift.engine.transfer.TransferJournal.state(journalOf);
        if (json)
        {
            out.println(new JsonWriter()
                .field("identical", r.identical())
                .field("pages", r.pageCount())
                .field("comparedPages", r.comparedPages())
                .field("freePages", r.freePages())
                .field("differingPages", r.differingPages())
                .field("firstDiffering", "[" + first + "]")
                .field("seconds", seconds)
                .field("imageGBps", r.pageCount() * (double)MappedImage.PAGE_SIZE / seconds / 1e9)
                .field("incomplete", journal != null)
                .field("journal", io.ramshift.engine.transfer.TransferJournal.describe(journalOf))
                .field("journalDurablePages", journal == null ? 0 : journal.durablePages())
                .field("journalPages", journal == null ? 0 : journal.pages())
                .field("journalAttempts", journal == null ? 0 : journal.attempts()));
        }
        else
        {
            out.printf(Locale.ROOT, "%s vs %s: %s%n", a, other, r.identical() ? "IDENTICAL on every non-free page" :
                "DIFFERENT: " + r.differingPages() + " pages differ, first: " + first);
            out.printf(Locale.ROOT, "  pages %,d compared, %,d free skipped, %.3f s (%.2f GB/s of image)%n",
                r.comparedPages(), r.freePages(), seconds, r.pageCount() * (double)MappedImage.PAGE_SIZE / seconds / 1e9);
        }
        out.flush();
    }
}
