package io.ramshift.tools;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.generate.GenerateProgressListener;
import io.ramshift.engine.generate.GenerateResult;
import io.ramshift.engine.generate.GeneratorProfile;
import io.ramshift.engine.generate.ImageGenerator;
import io.ramshift.engine.image.MappedImage;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import static io.ramshift.layout.PageLayoutDescriptor.KIND_COUNT;
import static io.ramshift.layout.PageLayoutDescriptor.kindName;

/**
 * {@code ramshift generate}: writes a synthetic guest RAM image, its free-page bitmap and optionally its page
 * layout, then prints a one-paragraph summary or JSON. Errors are thrown as the engine's exceptions; the main class
 * turns them into a one-line message and exit code 1.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
        "Generate a synthetic guest RAM image (zero, free-dirty, compressible, random and duplicate pages) with its " +
            "free-page bitmap.",
        "The content is a function of profile, size and seed only: the thread count never changes a byte. " +
            "An existing image of the same size is overwritten in place, never truncated."
    },
    sortOptions = false)
public final class GenerateCommand implements Callable<Integer>
{
    private static final long PAGES_PER_MIB = 256;

    @Spec
    private CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME",
        description = "Built-in profile: idle or post-workload (default: idle unless --fractions is given).")
    private String profile;

    @Option(names = "--fractions", paramLabel = "Z,F,C,R,D",
        description = "Custom fractions of zero, free-dirty, compressible, random and duplicate pages, summing to 1.")
    private String fractions;

    @Option(names = "--size", required = true, paramLabel = "SIZE",
        description = "Image size in bytes, with an optional K, M, G or T suffix (powers of 1024), e.g. 8G.")
    private String size;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "Seed of the layout and the contents (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--out", required = true, paramLabel = "IMG", description = "Image file to write.")
    private Path out;

    @Option(names = "--free-bitmap", paramLabel = "FILE",
        description = "Write the free-page bitmap here (one bit per page, little-endian 64-bit words).")
    private Path freeBitmap;

    @Option(names = "--sparse",
        description = "Leave zero pages as holes in a new file; in an existing file write only zero pages that are " +
            "not already zero.")
    private boolean sparse;

    @Option(names = "--layout", paramLabel = "FILE",
        description = "Write the page layout here: one byte per page, low 3 bits the kind, bit 7 marked free.")
    private Path layout;

    @Option(names = "--threads", paramLabel = "N",
        description = "Writer threads (default: available processors).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--force", description = "Resize an existing image of another size instead of refusing it.")
    private boolean force;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    private boolean json;

    /**
     * Generate the image and print the summary.
     *
     * @return 0 on success; failures are thrown.
     */
    public Integer call()
    {
        final ImageGenerator.Context ctx = new ImageGenerator.Context()
            .profile(profile())
            .sizeBytes(ByteSizeParser.parse(size))
            .seed(seed)
            .imagePath(out)
            .freeBitmapPath(freeBitmap)
            .layoutPath(layout)
            .sparse(sparse)
            .threads(threads)
            .force(force);

        final GenerateResult result;
        if (System.console() != null)
        {
            try (ProgressBar bar = progressBar(ctx.sizeBytes() / MappedImage.PAGE_SIZE))
            {
                result = new ImageGenerator(ctx.progressListener(new BarProgress(bar))).generate();
            }
        }
        else
        {
            result = new ImageGenerator(ctx).generate();
        }

        final PrintWriter writer = spec.commandLine().getOut();
        writer.println(json ? json(result) : summary(result));
        writer.flush();
        return 0;
    }

    private GeneratorProfile profile()
    {
        if (profile != null && fractions != null)
        {
            throw new ImageException("give --profile or --fractions, not both: profile=" + profile +
                " fractions=" + fractions);
        }
        if (fractions != null)
        {
            return GeneratorProfile.parseFractions(fractions);
        }
        return GeneratorProfile.byName(profile != null ? profile : GeneratorProfile.IDLE);
    }

    private static ProgressBar progressBar(final long pages)
    {
        return new ProgressBarBuilder()
            .setTaskName("generate")
            .setInitialMax(pages)
            .setUnit("MiB", PAGES_PER_MIB)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .showSpeed()
            .build();
    }

    private String summary(final GenerateResult result)
    {
        final StringBuilder builder = new StringBuilder(256);
        builder.append("generated ").append(result.image())
            .append(String.format(Locale.ROOT, ": %s (%,d pages), profile %s, seed %d: ",
                humanSize(result.sizeBytes()), result.pageCount(), result.profileName(), result.seed()));
        for (int kind = 0; kind < KIND_COUNT; kind++)
        {
            builder.append(kind == 0 ? "" : ", ").append(kindName(kind))
                .append(String.format(Locale.ROOT, " %,d", result.count(kind)));
        }
        builder.append(String.format(Locale.ROOT, "; bitmap set %,d", result.bitmapSetCount()));
        if (freeBitmap != null)
        {
            builder.append(" (").append(freeBitmap).append(')');
        }
        if (layout != null)
        {
            builder.append("; layout ").append(layout);
        }
        builder.append(String.format(Locale.ROOT, "; %s %s, wrote %.2f GB in %.2f s (%.2f GB/s, %d thread%s).",
            result.created() ? "new" : "overwritten in place,",
            result.sparse() ? "sparse" : "dense",
            result.bytesWritten() / 1e9,
            result.seconds(),
            result.gigabytesPerSecond(),
            result.threads(),
            result.threads() == 1 ? "" : "s"));
        return builder.toString();
    }

    private String json(final GenerateResult result)
    {
        final StringBuilder builder = new StringBuilder(512);
        builder.append("{\"image\":").append(jsonString(result.image().toString()))
            .append(",\"profile\":").append(jsonString(result.profileName()))
            .append(",\"sizeBytes\":").append(result.sizeBytes())
            .append(",\"pages\":").append(result.pageCount())
            .append(",\"seed\":").append(result.seed())
            .append(",\"counts\":{");
        for (int kind = 0; kind < KIND_COUNT; kind++)
        {
            builder.append(kind == 0 ? "" : ",").append(jsonString(kindName(kind))).append(':')
                .append(result.count(kind));
        }
        builder.append("},\"bitmapSet\":").append(result.bitmapSetCount())
            .append(",\"bytesWritten\":").append(result.bytesWritten())
            .append(",\"seconds\":").append(String.format(Locale.ROOT, "%.6f", result.seconds()))
            .append(",\"gbPerSecond\":").append(String.format(Locale.ROOT, "%.3f", result.gigabytesPerSecond()))
            .append(",\"threads\":").append(result.threads())
            .append(",\"sparse\":").append(result.sparse())
            .append(",\"created\":").append(result.created())
            .append(",\"freeBitmap\":").append(freeBitmap == null ? "null" : jsonString(freeBitmap.toString()))
            .append(",\"layout\":").append(layout == null ? "null" : jsonString(layout.toString()))
            .append('}');
        return builder.toString();
    }

    private static String jsonString(final String value)
    {
        final StringBuilder builder = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                builder.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                builder.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                builder.append(c);
            }
        }
        return builder.append('"').toString();
    }

    private static String humanSize(final long bytes)
    {
        final String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }

    /**
     * Drives the progress bar from the generator's progress reports.
     */
    private static final class BarProgress implements GenerateProgressListener
    {
        private final ProgressBar bar;

        BarProgress(final ProgressBar bar)
        {
            this.bar = bar;
        }

        /** {@inheritDoc} */
        public void onProgress(final long pagesDone, final long pagesTotal)
        {
            bar.stepTo(pagesDone);
        }
    }
}
