package io.ramshift.engine.image;

import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over bytes in memory that may claim to be longer than it is (reads past the bytes give
 * zeros), so a reader can be tested against a terabyte-long "file" without one.
 */
final class ByteArrayChannel implements SeekableByteChannel
{
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final byte[] bytes;
    private final int length;
    private final long size;
    private long position;
    private boolean open = true;

    ByteArrayChannel(final byte[] bytes, final int length, final long size)
    {
        this.bytes = bytes;
        this.length = length;
        this.size = size;
    }

    public int read(final ByteBuffer dst)
    {
        if (position >= size)
        {
            return -1;
        }
        final int wanted = (int)Math.min(dst.remaining(), size - position);
        int done = 0;
        while (done < wanted)
        {
            final long at = position + done;
            final int n;
            if (at < length)
            {
                n = (int)Math.min(wanted - done, length - at);
                dst.put(bytes, (int)at, n);
            }
            else
            {
                n = Math.min(wanted - done, ZEROS.length);
                dst.put(ZEROS, 0, n);
            }
            done += n;
        }
        position += done;
        return done;
    }

    public int write(final ByteBuffer src)
    {
        throw new NonWritableChannelException();
    }

    public long position()
    {
        return position;
    }

    public SeekableByteChannel position(final long newPosition)
    {
        if (newPosition < 0)
        {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    public long size()
    {
        return size;
    }

    public SeekableByteChannel truncate(final long newSize)
    {
        throw new NonWritableChannelException();
    }

    public boolean isOpen()
    {
        return open;
    }

    public void close()
    {
        open = false;
    }
}
