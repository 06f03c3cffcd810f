package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Output files written beside their final name and moved into place only when complete, so a failed conversion
 * never leaves a partial file under the name asked for, and a replaced file is a new inode (a hypervisor that has
 * the old one mapped keeps it intact instead of being truncated under it).
 */
final class NewFile
{
    private NewFile()
    {
    }

    static void checkAbsent(final Path path, final boolean replace)
    {
        if (!replace && Files.exists(path))
        {
            throw new ImageException("output exists: " + path + " (use --force to replace it)");
        }
        if (Files.isDirectory(path))
        {
            throw new ImageException("output is a directory: " + path);
        }
    }

    static Path createTemp(final Path path)
    {
        final Path absolute = path.toAbsolutePath();
        try
        {
            return Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".ramshift-tmp");
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot create output beside " + path + ": " + ex.getMessage(), ex);
        }
    }

    static void commit(final Path temp, final Path path, final boolean replace)
    {
        try
        {
            if (replace)
            {
                Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            try
            {
                // a rename may silently replace a file created meanwhile; a link never does
                Files.createLink(path, temp);
                Files.delete(temp);
            }
            catch (final FileAlreadyExistsException ex)
            {
                throw ex;
            }
            catch (final IOException | UnsupportedOperationException ex)
            {
                // no hard links on this file system: a plain move refuses an existing target too
                Files.move(temp, path);
            }
        }
        catch (final FileAlreadyExistsException ex)
        {
            deleteQuietly(temp);
            throw new ImageException("output exists: " + path + " (use --force to replace it)");
        }
        catch (final IOException ex)
        {
            deleteQuietly(temp);
            throw new ImageException("cannot move output into place: " + path + ": " + ex.getMessage(), ex);
        }
    }

    static void deleteQuietly(final Path temp)
    {
        try
        {
            Files.deleteIfExists(temp);
        }
        catch (final IOException ignore)
        {
            // best effort: the temporary name starts with a dot and ends with .ramshift-tmp
        }
    }
}
