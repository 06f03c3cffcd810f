package io.ramshift.tools;

import io.ramshift.engine.ImageException;
import io.ramshift.engine.RamshiftException;
import io.ramshift.engine.image.ElfDump;
import io.ramshift.engine.image.MappedImage;
import io.ramshift.engine.image.SourceImage;
import io.ramshift.engine.verify.ManifestSidecar;
import io.ramshift.engine.verify.PageManifest;
import io.ramshift.engine.verify.SidecarStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ramshift manifest}: writes the per-page xxh3 manifest of an image, by default as its sidecar
 * {@code IMAGE.rsmanifest}, rehashing only when the sidecar is missing, stale or corrupt.
 */
@Command(name = "manifest", mixinStandardHelpOptions = true,
    description = "Write the per-page xxh3 manifest of an image (format in the README): to -o M, or else as the " +
        "sidecar IMAGE.rsmanifest, kept when still valid for the image (no rehash).")
final class ManifestCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image file: raw, or a QEMU ELF dump (its RAM).")
    Path image;

    @Option(names = {"-o", "--out"}, paramLabel = "M",
        description = "Manifest file to write (default: the sidecar IMAGE" + ManifestSidecar.SUFFIX + ").")
    Path out;

    @Option(names = "--threads", defaultValue = "2", description = "Hashing threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--force", description = "Replace an existing -o file; rebuild the sidecar even when valid.")
    boolean force;

    @Mixin
    RamLimitMixin ram;

    public Integer call()
    {
        if (out == null)
        {
            return sidecar();
        }
        if (!force && Files.exists(out))
        {
            throw new RamshiftException("manifest exists: " + out + " (use --force to replace it)");
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

    private int sidecar()
    {
        final PrintWriter stdout = spec.commandLine().getOut();
        final long start = System.nanoTime();
        final String was;
        try (SidecarStatus status = ManifestSidecar.openIfValid(image))
        {
            if (status.state() == SidecarStatus.State.VALID && !force)
            {
                stdout.printf(Locale.ROOT, "sidecar %s of %s: valid, not rehashed (%,d pages)%n", status.path(),
                    image, status.manifest().pageCount());
                stdout.flush();
                return 0;
            }
            was = status.state() == SidecarStatus.State.VALID ? "valid, --force" : status.describe();
        }
        if (ElfDump.isElf(image))
        {
            throw new ImageException("a sidecar manifest is kept for raw images only: " + image +
                " is an ELF dump: give -o M, or convert it first");
        }
        final long size;
        final Path path;
        try (PageManifest manifest = ManifestSidecar.rebuild(image, threads))
        {
            size = manifest.imageSize();
            path = manifest.path();
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        stdout.printf(Locale.ROOT, "sidecar %s of %s: built (was %s): %,d pages in %.3f s (%.2f GB/s)%n", path,
            image, was, size / MappedImage.PAGE_SIZE, seconds, size / seconds / 1e9);
        stdout.flush();
        return 0;
    }
}
