package io.ramshift.engine;

/**
 * The peer ended the session with an ERROR frame: it knows what went wrong and says so (its code and message),
 * unlike a connection that merely dropped.
 */
public final class PeerErrorException extends TransferException
{
    private static final long serialVersionUID = 1L;

    private final int code;

    /**
     * @param code    the ERROR frame's code ({@code ProtocolDescriptor.ERROR_*}).
     * @param message names the peer and carries its message.
     */
    public PeerErrorException(final int code, final String message)
    {
        super(message);
        this.code = code;
    }

    /** @return the ERROR frame's code. */
    public int code()
    {
        return code;
    }
}
