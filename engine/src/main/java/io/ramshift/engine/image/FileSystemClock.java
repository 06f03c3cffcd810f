package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Reads the clock a file system stamps changes with (its granularity, and the server's clock over NFS) by writing
 * one byte to a scratch file and reading back the scratch file's modification time.
 */
final class FileSystemClock
{
    private FileSystemClock()
    {
    }

    /**
     * @param scratch a writable file on the file system; created when missing, its first byte overwritten.
     * @return the file system's time now, in ns since the epoch.
     */
    static long now(final Path scratch)
    {
        try (FileChannel channel = FileChannel.open(scratch, StandardOpenOption.CREATE, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[1]), 0);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot write scratch file to read the file system clock: path=" + scratch +
                ": " + ex.getMessage(), ex);
        }
        try
        {
            return Files.getLastModifiedTime(scratch).to(TimeUnit.NANOSECONDS);
        }
        catch (final IOException ex)
        {
            throw new ImageException("cannot read the file system clock: path=" + scratch + ": " + ex.getMessage(), ex);
        }
    }
}
