package io.ramshift.qemurig;

import io.ramshift.engine.RamshiftException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The guest's kernel and initramfs, built once per machine by {@code qemu-rig/build.sh} (which installs QEMU,
 * busybox-static and cpio from Debian when missing and downloads Debian's kernel package).
 */
public final class QemuRig
{
    /** First build: apt installs and a ~70 MB kernel download. */
    private static final long BUILD_TIMEOUT_SECONDS = 1200;

    private static QemuRig built;

    private final Path vmlinuz;
    private final Path initramfs;

    private QemuRig(final Path vmlinuz, final Path initramfs)
    {
        this.vmlinuz = vmlinuz;
        this.initramfs = initramfs;
    }

    /**
     * Build the rig (a no-op when it is up to date) and return it.
     *
     * @return paths of the kernel and the initramfs.
     */
    public static synchronized QemuRig ensureBuilt()
    {
        if (built != null)
        {
            return built;
        }
        final Path script = scriptDir().resolve("build.sh");
        try
        {
            final Path log = Files.createTempFile("ramshift-qemu-rig", ".log");
            final Process process = new ProcessBuilder("bash", script.toString())
                .redirectError(log.toFile())
                .start();
            final byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(BUILD_TIMEOUT_SECONDS, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new RamshiftException("qemu-rig/build.sh did not finish within " + BUILD_TIMEOUT_SECONDS +
                    " s; log: " + log);
            }
            if (process.exitValue() != 0)
            {
                throw new RamshiftException("qemu-rig/build.sh failed: exit=" + process.exitValue() + "\n" +
                    Files.readString(log));
            }
            Files.deleteIfExists(log);
            Path vmlinuz = null;
            Path initramfs = null;
            for (final String line : new String(out, StandardCharsets.UTF_8).split("\n"))
            {
                if (line.startsWith("vmlinuz="))
                {
                    vmlinuz = Path.of(line.substring("vmlinuz=".length()).trim());
                }
                else if (line.startsWith("initramfs="))
                {
                    initramfs = Path.of(line.substring("initramfs=".length()).trim());
                }
            }
            if (vmlinuz == null || initramfs == null || !Files.isRegularFile(vmlinuz) ||
                !Files.isRegularFile(initramfs))
            {
                throw new RamshiftException("qemu-rig/build.sh did not name a kernel and an initramfs: " +
                    new String(out, StandardCharsets.UTF_8));
            }
            built = new QemuRig(vmlinuz, initramfs);
            return built;
        }
        catch (final IOException ex)
        {
            throw new RamshiftException("cannot run " + script + ": " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new RamshiftException("interrupted while building the QEMU rig", ex);
        }
    }

    /** @return the guest kernel. */
    public Path vmlinuz()
    {
        return vmlinuz;
    }

    /** @return the guest initramfs. */
    public Path initramfs()
    {
        return initramfs;
    }

    /**
     * @return the {@code qemu-rig} directory of the checkout: {@code ramshift.qemuRig.dir}, else the first
     * {@code qemu-rig/build.sh} found walking up from the working directory.
     */
    public static Path scriptDir()
    {
        final String property = System.getProperty("ramshift.qemuRig.dir");
        if (property != null)
        {
            return Path.of(property);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent())
        {
            if (Files.isRegularFile(dir.resolve("qemu-rig/build.sh")))
            {
                return dir.resolve("qemu-rig");
            }
        }
        throw new RamshiftException("qemu-rig/build.sh not found above " + Path.of("").toAbsolutePath());
    }
}
