package io.ramshift.tools;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.generate.ImageMutator;
import io.ramshift.engine.generate.MutateResult;
import io.ramshift.engine.generate.MutationLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ramshift mutate}: rewrites a deterministic set of pages of an image in place (tomorrow's image of a guest
 * whose yesterday a destination holds) and prints what changed and its LZ4 size.
 */
@Command(
    name = "mutate",
    mixinStandardHelpOptions = true,
    description = {
        "Rewrite in place round(F x pages) pages of IMAGE, chosen from the seed alone, with new content like the " +
            "generator's data pages (or, for some runs, copies of unchanged pages); the size never changes.",
        "Prints pages changed, runs, moved pages and the LZ4 size of the new content (the yardstick of delta sends)."
    },
    sortOptions = false)
final class MutateCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Raw image file, rewritten in place.")
    Path image;

    @Option(names = "--fraction", required = true, paramLabel = "F",
        description = "Share of the pages to change, 0 to 1 (e.g. 0.01).")
    double fraction;

    @Option(names = "--layout", required = true, paramLabel = "scattered|clustered",
        description = "scattered: single pages; clustered: runs of --run-pages pages at random aligned positions.")
    String layout;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "Seed of the choice of pages and of their content (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--run-pages", paramLabel = "K",
        description = "Pages per run of the clustered layout (default: " + ImageMutator.Context.DEFAULT_RUN_PAGES +
            ").")
    Integer runPages;

    @Option(names = "--moved-fraction", paramLabel = "M", defaultValue = "0.10",
        description = "Share of the runs whose pages take the content of other, unchanged pages of the image " +
            "(default: ${DEFAULT-VALUE}).")
    double movedFraction;

    @Option(names = "--sync", description = "Force the written pages to the file before reporting.")
    boolean sync;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    public Integer call()
    {
        final MutationLayout mutationLayout = MutationLayout.byName(layout);
        if (runPages != null && mutationLayout != MutationLayout.CLUSTERED)
        {
            throw new ImageException("--run-pages applies to the clustered layout only: layout=" + layout +
                " runPages=" + runPages);
        }
        final MutateResult r = new ImageMutator(new ImageMutator.Context()
            .imagePath(image)
            .fraction(fraction)
            .layout(mutationLayout)
            .runPages(runPages != null ? runPages : ImageMutator.Context.DEFAULT_RUN_PAGES)
            .seed(seed)
            .movedFraction(movedFraction)
            .sync(sync)).mutate();

        final PrintWriter out = spec.commandLine().getOut();
        if (json)
        {
            out.println(new JsonWriter()
                .field("image", image.toString())
                .field("sizeBytes", r.sizeBytes)
                .field("pages", r.pages)
                .field("layout", r.layout.cliName())
                .field("runPages", r.runPages)
                .field("seed", r.seed)
                .field("fraction", r.fraction)
                .field("movedFraction", r.movedFraction)
                .field("pagesChanged", r.pagesChanged)
                .field("runs", r.runs)
                .field("contiguousRuns", r.contiguousRuns)
                .field("movedPages", r.movedPages)
                .field("movedRuns", r.movedRuns)
                .field("plannedMovedRuns", r.plannedMovedRuns)
                .field("freshPages", r.freshPages())
                .field("compressiblePages", r.compressiblePages)
                .field("randomPages", r.randomPages)
                .field("contentRetries", r.contentRetries)
                .field("rawBytes", r.rawBytes())
                .field("lz4Bytes", r.lz4Bytes)
                .field("lz4Blocks", r.lz4Blocks)
                .field("lz4FreshBytes", r.lz4FreshBytes)
                .field("lz4Ratio", r.lz4Ratio())
                .field("seconds", r.seconds));
        }
        else
        {
            out.printf(Locale.ROOT, "mutated %s: %,d of %,d pages changed (%.2f%%), %s%s, seed %d%n", image,
                r.pagesChanged, r.pages, r.pages == 0 ? 0 : 100.0 * r.pagesChanged / r.pages, r.layout.cliName(),
                r.layout == MutationLayout.CLUSTERED ? " runs of " + r.runPages + " pages" : "", r.seed);
            out.printf(Locale.ROOT, "  runs       %,d placed, %,d of consecutive pages%n", r.runs, r.contiguousRuns);
            out.printf(Locale.ROOT, "  moved      %,d pages in %,d runs (copies of unchanged pages; %,d runs planned)%n",
                r.movedPages, r.movedRuns, r.plannedMovedRuns);
            out.printf(Locale.ROOT, "  fresh      %,d pages: compressible %,d, random %,d%n", r.freshPages(),
                r.compressiblePages, r.randomPages);
            out.printf(Locale.ROOT, "  lz4        %,d bytes of %,d raw (%.2fx; blocks of up to 64 consecutive pages); " +
                "fresh pages only %,d bytes%n", r.lz4Bytes, r.rawBytes(), r.lz4Ratio(), r.lz4FreshBytes);
            out.printf(Locale.ROOT, "  time       %.3f s%n", r.seconds);
        }
        out.flush();
        return 0;
    }
}
