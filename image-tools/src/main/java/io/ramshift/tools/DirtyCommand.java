package io.ramshift.tools;

import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.live.PageWriterWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code ramshift dirty}: an external writer for live-migration tests: keeps writing pages of an image at a set
 * rate until it is killed (SIGTERM/SIGINT) or its time is up.
 */
@Command(name = "dirty", mixinStandardHelpOptions = true,
    description = "Keep writing pages of IMAGE at a set rate (a stand-in guest for live migration) until killed " +
        "or --seconds pass.")
final class DirtyCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image file to write in place.")
    Path image;

    @Option(names = "--dirty-rate", required = true, paramLabel = "PAGES/s", description = "Pages written per second.")
    double rate;

    @Option(names = "--hot-set", defaultValue = "0", paramLabel = "PAGES", description = "Pages chosen from " +
        "(default: the whole image).")
    long hotSet;

    @Option(names = "--first-page", defaultValue = "0", description = "First page of the hot set.")
    long firstPage;

    @Option(names = "--seconds", defaultValue = "3600", description = "Stop after this long (default ${DEFAULT-VALUE}).")
    long seconds;

    @Option(names = "--seed", defaultValue = "1", description = "Chooses the pages.")
    long seed;

    public Integer call() throws InterruptedException
    {
        try (MappedImage mapped = MappedImage.open(image, true, MappedImage.DEFAULT_CHUNK_SIZE))
        {
            final long hot = hotSet > 0 ? Math.min(hotSet, mapped.pageCount() - firstPage) : mapped.pageCount() - firstPage;
            final PageWriterWorkload workload = new PageWriterWorkload(null, mapped, firstPage, hot, rate, seed);
            final CountDownLatch done = new CountDownLatch(1);
            final java.io.PrintWriter out = spec.commandLine().getOut();
            final Thread onKill = new Thread(() ->
            {
                // the JVM halts when the hooks end: report from here, not from the main thread
                workload.stop();
                out.printf(Locale.ROOT, "wrote %,d pages%n", workload.pagesWritten());
                out.flush();
                done.countDown();
            }, "ramshift-dirty-stop");
            Runtime.getRuntime().addShutdownHook(onKill);
            workload.start();
            spec.commandLine().getErr().printf(Locale.ROOT, "ramshift dirty: writing %.0f pages/s over %,d pages of %s%n",
                rate, hot, image);
            spec.commandLine().getErr().flush();
            if (!done.await(seconds, TimeUnit.SECONDS))
            {
                Runtime.getRuntime().removeShutdownHook(onKill);
                workload.stop();
                out.printf(Locale.ROOT, "wrote %,d pages%n", workload.pagesWritten());
                out.flush();
            }
        }
        return 0;
    }
}
