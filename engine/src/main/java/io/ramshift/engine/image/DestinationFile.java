package io.ramshift.engine.image;

import io.ramshift.engine.DestinationException;
import io.ramshift.layout.HelloAckDescriptor;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file a receiver writes, opened by the destination rules: a missing file is created sparse at the image
 * size; an existing file of that size is written in place and never truncated (a hypervisor may have it mapped);
 * a file of another size is refused unless a resize was asked for. It is held under an exclusive (fcntl) lock while
 * open, so a second receiver of the same destination, in any process, is refused before it changes a byte.
 */
public final class DestinationFile implements AutoCloseable
{
    private static final int ZERO_FILL_LENGTH = 1 << 20;
    /** Bytes written between two background syncs: keeps the final fsync short. */
    public static final long SYNC_BEHIND_BYTES = 64L << 20;

    private final Path path;
    private final RandomAccessFile file;
    private final FileChannel channel;
    private final long size;
    private final int state;
    private SparseFile sparseFile;
    private boolean punchSupported = true;
    private ByteBuffer zeroFill;
    private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong unsynced = new java.util.concurrent.atomic.AtomicLong();
    private Thread syncBehind;
    private volatile boolean syncRequested;
    private volatile boolean closing;
    private volatile IOException syncFailure;

    private DestinationFile(final Path path, final RandomAccessFile file, final long size, final int state)
    {
        this.path = path;
        this.file = file;
        this.channel = file.getChannel();
        this.size = size;
        this.state = state;
    }

    /**
     * Open or create the destination of an image.
     *
     * @param path   of the destination.
     * @param size   bytes of the image.
     * @param resize allow changing the size of an existing file of another size.
     * @return the open destination.
     */
    public static DestinationFile open(final Path path, final long size, final boolean resize)
    {
        RandomAccessFile file = null;
        try
        {
            if (Files.isDirectory(path))
            {
                throw new DestinationException("destination is a directory: " + path);
            }
            final boolean existed = Files.exists(path);
            file = new RandomAccessFile(path.toFile(), "rw");
            // one receiver per destination: a second one (any process) is refused before it changes a byte
            java.nio.channels.FileLock lock;
            try
            {
                lock = file.getChannel().tryLock();
            }
            catch (final java.nio.channels.OverlappingFileLockException ex)
            {
                lock = null;
            }
            if (lock == null)
            {
                throw new DestinationException("destination is in use by another receiver (locked): " + path);
            }
            final long existingSize = file.length();
            int state = HelloAckDescriptor.DESTINATION_EXISTING;
            if (!existed)
            {
                file.setLength(size);
                state = HelloAckDescriptor.DESTINATION_CREATED;
            }
            else if (existingSize != size)
            {
                if (!resize)
                {
                    throw new DestinationException("destination has another size: path=" + path + " size=" +
                        existingSize + " imageSize=" + size + " (use --resize to change it; never done silently " +
                        "because a hypervisor may have it mapped)");
                }
                file.setLength(size);
            }
            return new DestinationFile(path, file, size, state);
        }
        catch (final IOException ex)
        {
            closeQuietly(file);
            throw new DestinationException("cannot open destination: path=" + path + ": " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            closeQuietly(file);
            throw ex;
        }
    }

    /** @return path of the destination. */
    public Path path()
    {
        return path;
    }

    /** @return bytes of the destination. */
    public long size()
    {
        return size;
    }

    /** @return {@link HelloAckDescriptor#DESTINATION_CREATED} or {@code DESTINATION_EXISTING}. */
    public int state()
    {
        return state;
    }

    /** @return bytes written so far (data and zero fill, not punched holes). */
    public long bytesWritten()
    {
        return written.get();
    }

    /**
     * Write bytes at an offset with positional writes.
     *
     * @param offset in the destination.
     * @param source bytes from its position to its limit; consumed.
     */
    public void write(final long offset, final ByteBuffer source)
    {
        final int length = source.remaining();
        if (offset < 0 || offset > size - length)
        {
            throw new DestinationException("write past destination end: offset=" + offset + " length=" + length +
                " size=" + size);
        }
        long position = offset;
        try
        {
            while (source.hasRemaining())
            {
                position += channel.write(source, position);
            }
        }
        catch (final IOException ex)
        {
            throw ioFailure("write", offset, length, ex);
        }
        written.addAndGet(length);
        if (unsynced.addAndGet(length) >= SYNC_BEHIND_BYTES)
        {
            unsynced.set(0);
            requestSyncBehind();
        }
    }

    /**
     * Ask the background thread to flush what was written so far, so the final fsync has little left; the
     * thread starts on first use and ends with {@link #close()}.
     */
    private synchronized void requestSyncBehind()
    {
        if (closing)
        {
            return;
        }
        if (syncBehind == null)
        {
            syncBehind = new Thread(this::syncBehindLoop, "ramshift-sync-behind");
            syncBehind.setDaemon(true);
            syncBehind.start();
        }
        syncRequested = true;
        java.util.concurrent.locks.LockSupport.unpark(syncBehind);
    }

    private void syncBehindLoop()
    {
        while (!closing)
        {
            if (syncRequested)
            {
                syncRequested = false;
                try
                {
                    channel.force(false);
                }
                catch (final IOException ex)
                {
                    syncFailure = ex;
                    return;
                }
            }
            else
            {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
        }
    }

    /**
     * Read bytes back from the destination (for DUP runs, whose source pages were written earlier).
     *
     * @param offset in the destination.
     * @param target filled from its position to its limit.
     */
    public void read(final long offset, final ByteBuffer target)
    {
        final int length = target.remaining();
        if (offset < 0 || offset + length > size)
        {
            throw new DestinationException("read past destination end: offset=" + offset + " length=" + length +
                " size=" + size);
        }
        long position = offset;
        try
        {
            while (target.hasRemaining())
            {
                final int n = channel.read(target, position);
                if (n < 0)
                {
                    throw new DestinationException("destination shrank while read: path=" + path + " offset=" +
                        position + " size=" + size);
                }
                position += n;
            }
        }
        catch (final IOException ex)
        {
            throw ioFailure("read", offset, length, ex);
        }
    }

    /**
     * Make a range read as zeros. Nothing to do in a file this receiver created; in an existing file the range
     * becomes a hole (or is overwritten with zeros where holes are not supported).
     *
     * @param offset in the destination.
     * @param length bytes of the range.
     */
    public void zero(final long offset, final long length)
    {
        zero(offset, length, false);
    }

    /**
     * Make a range read as zeros, also in a file this receiver created when this session may have written data
     * there (a live session sends a page again once the guest cleared it).
     *
     * @param offset  in the destination.
     * @param length  bytes of the range.
     * @param written true when this session wrote (or may have written) data into the range.
     */
    public void zero(final long offset, final long length, final boolean written)
    {
        if (offset < 0 || length < 0 || offset > size - length)
        {
            throw new DestinationException("zero range past destination end: offset=" + offset +
                " length=" + length + " size=" + size);
        }
        if (state == HelloAckDescriptor.DESTINATION_CREATED && !written || length == 0)
        {
            return;
        }
        if (punchSupported)
        {
            try
            {
                if (sparseFile == null)
                {
                    sparseFile = SparseFile.open(path, true);
                }
                if (sparseFile.punchHole(offset, length))
                {
                    return;
                }
            }
            catch (final DestinationException ex)
            {
                throw ex;
            }
            catch (final io.ramshift.engine.RamshiftException ex)
            {
                // reported to the sender as an I/O error of the destination, like a failed write
                throw new DestinationException("cannot zero destination range: path=" + path + " offset=" + offset +
                    " length=" + length + ": " + ex.getMessage(), ex);
            }
            punchSupported = false;
        }
        fillZeros(offset, length);
    }

    private void fillZeros(final long offset, final long length)
    {
        if (zeroFill == null)
        {
            zeroFill = ByteBuffer.allocateDirect(ZERO_FILL_LENGTH);
        }
        long done = 0;
        while (done < length)
        {
            final int n = (int)Math.min(ZERO_FILL_LENGTH, length - done);
            zeroFill.limit(n).position(0);
            write(offset + done, zeroFill);
            done += n;
        }
    }

    /**
     * Flush data and metadata to the device.
     */
    public void sync()
    {
        if (syncFailure != null)
        {
            throw ioFailure("background fsync", 0, size, syncFailure);
        }
        try
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw ioFailure("fsync", 0, size, ex);
        }
    }

    private DestinationException ioFailure(final String what, final long offset, final long length,
        final IOException ex)
    {
        final String message = String.valueOf(ex.getMessage());
        final String reason = message.contains("No space left") ? "disk full" : message;
        return new DestinationException(what + " failed: path=" + path + " offset=" + offset + " length=" + length +
            ": " + reason, ex);
    }

    /**
     * Close the file (no truncation, no sync: call {@link #sync()} first when durability matters).
     */
    public void close()
    {
        final Thread thread;
        synchronized (this)
        {
            closing = true;
            thread = syncBehind;
        }
        if (thread != null)
        {
            java.util.concurrent.locks.LockSupport.unpark(thread);
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (sparseFile != null)
        {
            sparseFile.close();
            sparseFile = null;
        }
        closeQuietly(file);
    }

    private static void closeQuietly(final RandomAccessFile file)
    {
        if (file != null)
        {
            try
            {
                file.close();
            }
            catch (final IOException ignore)
            {
                // nothing left to release
            }
        }
    }
}
