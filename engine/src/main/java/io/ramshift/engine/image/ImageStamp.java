package io.ramshift.engine.image;

import io.ramshift.engine.ImageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Identity of an image file's content as the file system reports it: size, modification time (ns), inode change
 * time (ns) and inode number; any write, truncation, {@code touch} or replacement of the file changes at least one.
 * <p>
 * Timestamps are only as fine as the file system's clock: a change made in the same clock tick as the image's last
 * change may leave them as they were. {@link #settled(Path, Path, long)} takes a stamp that any later change is
 * certain to alter.
 */
public final class ImageStamp
{
    private static final String ATTRIBUTES = "unix:size,lastModifiedTime,ctime,ino";
    private static final long FIRST_WAIT_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LONGEST_WAIT_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final long size;
    private final long mtimeNanos;
    private final long ctimeNanos;
    private final long inode;

    /**
     * @param size       bytes of the file.
     * @param mtimeNanos modification time in ns since the epoch.
     * @param ctimeNanos inode change time in ns since the epoch.
     * @param inode      inode number.
     */
    public ImageStamp(final long size, final long mtimeNanos, final long ctimeNanos, final long inode)
    {
        this.size = size;
        this.mtimeNanos = mtimeNanos;
        this.ctimeNanos = ctimeNanos;
        this.inode = inode;
    }

    /**
     * Read the stamp of a file now.
     *
     * @param path of the file.
     * @return its stamp.
     */
    public static ImageStamp of(final Path path)
    {
        try
        {
            final Map<String, Object> attributes = Files.readAttributes(path, ATTRIBUTES);
            return new ImageStamp(
                (Long)attributes.get("size"),
                ((FileTime)attributes.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                ((FileTime)attributes.get("ctime")).to(TimeUnit.NANOSECONDS),
                (Long)attributes.get("ino"));
        }
        catch (final NoSuchFileException ex)
        {
            throw new ImageException("image not found: " + path);
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            throw new ImageException("cannot read image stamp (size, mtime, ctime, inode): path=" + path + ": " +
                ex.getMessage(), ex);
        }
    }

    /**
     * Read the stamp of a file once its last change lies in an earlier tick of the file system's clock than the
     * moment of reading, so that any later change gives it another ctime; waits (a tick, at most the timeout) while
     * the file has just been changed.
     * <p>
     * The clock is read by writing one byte to a scratch file, which must be on the same file system as the image
     * (e.g. a temporary file in its directory); the scratch file's content is not kept.
     *
     * @param path         of the file.
     * @param scratch      a writable file on the same file system; created when missing.
     * @param timeoutNanos longest wait for the file to settle.
     * @return its stamp.
     */
    public static ImageStamp settled(final Path path, final Path scratch, final long timeoutNanos)
    {
        final long start = System.nanoTime();
        long wait = FIRST_WAIT_NS;
        while (true)
        {
            final long now = FileSystemClock.now(scratch);
            final ImageStamp stamp = of(path);
            if (stamp.ctimeNanos < now)
            {
                return stamp;
            }
            final long waited = System.nanoTime() - start;
            if (waited >= timeoutNanos)
            {
                throw new ImageException("image keeps changing: path=" + path + " ctime=" + instant(stamp.ctimeNanos) +
                    " fileSystemClock=" + instant(now) + " waitedMs=" + TimeUnit.NANOSECONDS.toMillis(waited));
            }
            sleep(path, Math.min(wait, timeoutNanos - waited));
            wait = Math.min(LONGEST_WAIT_NS, wait * 2);
        }
    }

    /** @return bytes of the file. */
    public long size()
    {
        return size;
    }

    /** @return modification time in ns since the epoch. */
    public long mtimeNanos()
    {
        return mtimeNanos;
    }

    /** @return inode change time in ns since the epoch. */
    public long ctimeNanos()
    {
        return ctimeNanos;
    }

    /** @return inode number. */
    public long inode()
    {
        return inode;
    }

    /**
     * @param other another stamp, or null.
     * @return true when every field is equal.
     */
    public boolean matches(final ImageStamp other)
    {
        return other != null && size == other.size && mtimeNanos == other.mtimeNanos &&
            ctimeNanos == other.ctimeNanos && inode == other.inode;
    }

    /**
     * @param now the file's stamp now.
     * @return the fields that differ, times as UTC instants to the ns, e.g.
     * {@code "mtime 2026-11-23T16:51:05.091601963Z -> 2026-11-23T16:52:00.5Z"}, or null when the stamps match.
     */
    public String changes(final ImageStamp now)
    {
        final StringBuilder text = new StringBuilder();
        change(text, "size", Long.toString(size), Long.toString(now.size));
        change(text, "mtime", instant(mtimeNanos), instant(now.mtimeNanos));
        change(text, "ctime", instant(ctimeNanos), instant(now.ctimeNanos));
        change(text, "inode", Long.toString(inode), Long.toString(now.inode));
        return text.length() == 0 ? null : text.toString();
    }

    /**
     * @param nanos ns since the epoch.
     * @return the UTC instant, e.g. {@code 2026-11-23T16:51:05.091601963Z}.
     */
    public static String instant(final long nanos)
    {
        return Instant.EPOCH.plusNanos(nanos).toString();
    }

    public boolean equals(final Object other)
    {
        return other instanceof ImageStamp && matches((ImageStamp)other);
    }

    public int hashCode()
    {
        return Long.hashCode(size) * 31 * 31 * 31 + Long.hashCode(mtimeNanos) * 31 * 31 +
            Long.hashCode(ctimeNanos) * 31 + Long.hashCode(inode);
    }

    public String toString()
    {
        return "size=" + size + " mtime=" + instant(mtimeNanos) + " ctime=" + instant(ctimeNanos) + " inode=" + inode;
    }

    private static void change(final StringBuilder text, final String name, final String was, final String is)
    {
        if (!was.equals(is))
        {
            text.append(text.length() == 0 ? "" : ", ").append(name).append(' ').append(was).append(" -> ").append(is);
        }
    }

    private static void sleep(final Path path, final long nanos)
    {
        try
        {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new ImageException("interrupted while waiting for the image to settle: path=" + path);
        }
    }
}
