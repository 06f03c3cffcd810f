package io.ramshift.engine.transfer;

/**
 * Drives the rounds after the bulk round of a live migration, on the stream's thread, and returns when the
 * final round (after the stop) has been handed to the stream; the stream then ends the session as usual.
 */
public interface RoundDriver
{
    /**
     * @param sender the stream, after its bulk round was handed to the socket.
     */
    void rounds(RoundSender sender);

    /** @return true when the session switches to post-copy before the bulk round (pure post-copy). */
    default boolean postcopyFromStart()
    {
        return false;
    }
}
