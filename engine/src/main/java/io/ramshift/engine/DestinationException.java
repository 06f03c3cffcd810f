package io.ramshift.engine;

/**
 * A destination that cannot be written as asked: wrong size, not writable, disk full.
 */
public final class DestinationException extends RamshiftException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the file and the values.
     */
    public DestinationException(final String message)
    {
        super(message);
    }

    /**
     * @param message names the file and the values.
     * @param cause   the underlying failure.
     */
    public DestinationException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
