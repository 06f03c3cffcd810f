package io.ramshift.engine.generate;

import io.ramshift.engine.DestinationException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gets the file a generated image goes to ready for mapping at the requested size, without ever truncating an
 * existing file of that size: overwriting a cached file in place is several times faster here than writing a new
 * one (fresh pages cost a hypervisor fault each), and a hypervisor may have the file mapped.
 */
public final class OutputImageFile
{
    private OutputImageFile()
    {
    }

    /**
     * Create the file sparse at {@code size}, keep an existing file of that size as it is, or resize an existing
     * file of another size when {@code force} is set.
     *
     * @param path  of the image.
     * @param size  bytes wanted.
     * @param force resize an existing file of another size instead of failing.
     * @return true when the file was created, false when an existing file is reused.
     * @throws DestinationException naming the path and sizes when the file cannot be used.
     */
    public static boolean prepare(final Path path, final long size, final boolean force)
    {
        try
        {
            if (Files.isDirectory(path))
            {
                throw new DestinationException("output image is a directory: path=" + path);
            }
            if (Files.exists(path))
            {
                final long existing = Files.size(path);
                if (existing != size)
                {
                    if (!force)
                    {
                        throw new DestinationException("output image exists with another size: path=" + path +
                            " size=" + existing + " requested=" + size + " (force to resize)");
                    }
                    setLength(path, size);
                }
                return false;
            }
            try
            {
                Files.createFile(path);
            }
            catch (final FileAlreadyExistsException ex)
            {
                // created by someone else since the check: treat it as an existing file
                return prepare(path, size, force);
            }
            setLength(path, size);
            return true;
        }
        catch (final IOException ex)
        {
            throw new DestinationException("cannot prepare output image: path=" + path + " size=" + size + ": " + ex,
                ex);
        }
    }

    private static void setLength(final Path path, final long size) throws IOException
    {
        // ftruncate: extends with a hole, so a new file costs no blocks until pages are written
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw"))
        {
            file.setLength(size);
        }
    }
}
