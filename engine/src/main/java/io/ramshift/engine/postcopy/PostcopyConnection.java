package io.ramshift.engine.postcopy;

import io.ramshift.engine.transfer.FrameChannel;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;

/**
 * One connection of a post-copy session: the socket and its framing. Closing the socket is how one thread breaks
 * another out of a read or write on a dropped link.
 */
public final class PostcopyConnection
{
    private final Channel socket;
    private final FrameChannel frames;
    private final boolean owned;

    /**
     * @param socket the connected channel.
     * @param frames its framing.
     * @param owned  true when {@link #release()} closes the socket (a connection this session opened).
     */
    public PostcopyConnection(final Channel socket, final FrameChannel frames, final boolean owned)
    {
        this.socket = socket;
        this.frames = frames;
        this.owned = owned;
    }

    /** @return the framing. */
    public FrameChannel frames()
    {
        return frames;
    }

    /**
     * Break the link at once without closing the socket: both directions are shut down, so a thread blocked on it
     * (in a selector, or in a blocking read or write) wakes and fails. Closing instead would cancel the socket's
     * selection key, and a thread waiting in that selector would sleep until its idle timeout.
     */
    public void shutdown()
    {
        if (socket instanceof SocketChannel)
        {
            final SocketChannel channel = (SocketChannel)socket;
            try
            {
                channel.shutdownInput();
            }
            catch (final IOException ignore)
            {
                // not connected any more: nothing to wake
            }
            try
            {
                channel.shutdownOutput();
            }
            catch (final IOException ignore)
            {
                // not connected any more: nothing to wake
            }
            return;
        }
        close();
    }

    private void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closed is what was wanted
        }
    }

    /** Close the socket when this session opened it (the framing stays with its owner). */
    public void closeIfOwned()
    {
        if (owned)
        {
            close();
        }
    }

    /**
     * Retire a connection the session replaces (after a link drop, or at the end): its bytes still count.
     *
     * @param figures where the bytes it moved are added.
     */
    public void retire(final PostcopyFigures figures)
    {
        figures.retiredBytesWritten += frames.bytesWritten();
        figures.retiredBytesRead += frames.bytesRead();
        release();
    }

    /** Release the framing, and the socket when this session opened it. */
    public void release()
    {
        frames.close();
        if (owned)
        {
            close();
        }
    }
}
