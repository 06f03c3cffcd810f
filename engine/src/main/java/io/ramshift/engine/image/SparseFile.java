package io.ramshift.engine.image;

import io.ramshift.engine.RamshiftException;
import net.openhft.posix.PosixAPI;

import java.nio.file.Path;

/**
 * A raw file descriptor for the sparse-file operations Java does not expose: SEEK_DATA, SEEK_HOLE and
 * punching holes. Backed by Chronicle's posix binding, initialised on first use (it costs ~0.2 s).
 */
public final class SparseFile implements AutoCloseable
{
    private static volatile boolean loaded;

    // Raw whence values: Chronicle posix 2026.2's WhenceFlag enum is off by one (../shared/facts/java.md).
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final int ENXIO = 6;

    private final Path path;
    private final PosixAPI posix;
    private int fd;

    private SparseFile(final Path path, final PosixAPI posix, final int fd)
    {
        this.path = path;
        this.posix = posix;
        this.fd = fd;
    }

    /**
     * Load the native binding now (it takes about 0.2 s: jnr generates its native call adapters at run time), e.g. on a
     * background thread of a command that will need it soon.
     */
    public static void preload()
    {
        PosixAPI.posix();
        loaded = true;
    }

    /** @return true once the native binding is loaded (SEEK_DATA then costs a few syscalls, nothing more). */
    public static boolean loaded()
    {
        return loaded;
    }

    /**
     * Open a file for hole queries (and hole punching when writable).
     *
     * @param path     of the file.
     * @param writable open read-write.
     * @return the open file.
     */
    public static SparseFile open(final Path path, final boolean writable)
    {
        final PosixAPI posix = PosixAPI.posix();
        loaded = true;
        final int fd = posix.open(path.toString(), writable ? O_RDWR : O_RDONLY, 0);
        if (fd < 0)
        {
            throw new RamshiftException("cannot open for hole operations: path=" + path + ": " + posix.lastErrorStr());
        }
        return new SparseFile(path, posix, fd);
    }

    /**
     * @param offset to search from.
     * @return offset of the first data byte at or after {@code offset}, or -1 when only a hole follows.
     */
    public long nextData(final long offset)
    {
        return seek(offset, SEEK_DATA);
    }

    /**
     * @param offset to search from.
     * @return offset of the first hole byte at or after {@code offset} (the file end counts as a hole), or -1.
     */
    public long nextHole(final long offset)
    {
        return seek(offset, SEEK_HOLE);
    }

    /**
     * Deallocate a range, keeping the file size: the range then reads as zeros, also through existing mappings.
     *
     * @param offset of the range.
     * @param length of the range.
     * @return true when punched; false when the file system does not support it (write zeros instead).
     */
    public boolean punchHole(final long offset, final long length)
    {
        final int rc = posix.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
        if (rc == 0)
        {
            return true;
        }
        final int errno = posix.lastError();
        if (errno == 95 || errno == 22) // EOPNOTSUPP, EINVAL: file system without hole punching
        {
            return false;
        }
        throw new RamshiftException("cannot punch hole: path=" + path + " offset=" + offset + " length=" + length +
            ": " + posix.strerror(errno));
    }

    private long seek(final long offset, final int whence)
    {
        final long result = posix.lseek(fd, offset, whence);
        if (result >= 0)
        {
            return result;
        }
        final int errno = posix.lastError();
        if (errno == ENXIO)
        {
            return -1;
        }
        throw new RamshiftException("lseek failed: path=" + path + " offset=" + offset + " whence=" + whence +
            ": " + posix.strerror(errno));
    }

    /**
     * Close the descriptor.
     */
    public void close()
    {
        if (fd >= 0)
        {
            posix.close(fd);
            fd = -1;
        }
    }
}
