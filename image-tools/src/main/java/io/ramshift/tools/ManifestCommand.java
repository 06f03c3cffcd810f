package io.ramshift.tools;

import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.image.SourceImage;
import io.ramshift.engine.verify.PageManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ramshift manifest}: writes the per-page xxh3 manifest of an image.
 */
@Command(name = "manifest", mixinStandardHelpOptions = true,
    description = "Write the per-page xxh3 manifest of an image (format in the README).")
final class ManifestCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image file: raw, or a QEMU ELF dump (its RAM).")
    Path image;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "M", description = "Manifest file to write.")
    Path out;

    @Option(names = "--threads", defaultValue = "2", description = "Hashing threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--force", description = "Replace an existing manifest file.")
    boolean force;

    @Mixin
    RamLimitMixin ram;

    public Integer call()
    {
        if (!force && java.nio.file.Files.exists(out))
        {
            throw new io.ramshift.engine.RamshiftException("manifest exists: " + out + " (use --force to replace it)");
        }
        final long start = System.nanoTime();
        final long size;
        try (SourceImage source = SourceImage.open(image, ram.ramLimit))
        {
            SourceReport.describe(spec, source.describe());
            size = source.image().size();
            PageManifest.write(source.image(), source.extents(true), out, threads);
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT, "manifest of %s -> %s: %,d pages in %.3f s (%.2f GB/s)%n",
            image, out, size / MappedImage.PAGE_SIZE, seconds, size / seconds / 1e9);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
