package io.ramshift.tools;

import io.ramshift.engine.RamshiftException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private directory under /tmp for the unix sockets QEMU reads or writes its device state on (socket paths
 * are limited to 107 bytes, so not under a deep working directory).
 */
final class QemuSocketDir
{
    private QemuSocketDir()
    {
    }

    static Path create()
    {
        try
        {
            return Files.createTempDirectory(Path.of("/tmp"), "rsq");
        }
        catch (final IOException ex)
        {
            throw new RamshiftException("cannot create a socket directory under /tmp: " + ex.getMessage(), ex);
        }
    }

    static void delete(final Path dir)
    {
        try (java.util.stream.Stream<Path> entries = Files.list(dir))
        {
            for (final Path entry : (Iterable<Path>)entries::iterator)
            {
                Files.deleteIfExists(entry);
            }
            Files.deleteIfExists(dir);
        }
        catch (final IOException ignore)
        {
            // a leftover empty directory under /tmp is harmless
        }
    }
}
