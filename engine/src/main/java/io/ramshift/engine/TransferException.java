package io.ramshift.engine;

/**
 * A transfer that failed: the peer refused, closed early, sent a malformed frame, or the digest differs.
 */
public class TransferException extends RamshiftException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the peer and the values.
     */
    public TransferException(final String message)
    {
        super(message);
    }

    /**
     * @param message names the peer and the values.
     * @param cause   the underlying failure.
     */
    public TransferException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
