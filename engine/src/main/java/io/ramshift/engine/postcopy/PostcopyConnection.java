package io.ramshift.engine.postcopy;

import io.ramshift.engine.transfer.FrameChannel;

import java.io.IOException;
import java.nio.channels.Channel;

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

    /** Close the socket at once (the link is treated as dropped); any thread blocked on it fails. */
    public void abort()
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
            abort();
        }
    }

    /** Release the framing, and the socket when this session opened it. */
    public void release()
    {
        frames.close();
        if (owned)
        {
            abort();
        }
    }
}
