package io.ramshift.engine;

/**
 * Base of every error the engine raises; unchecked, with a message that names the offending values.
 */
public class RamshiftException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line naming the values, e.g. {@code "run past image end: page=9 count=2 pages=10"}.
     */
    public RamshiftException(final String message)
    {
        super(message);
    }

    /**
     * @param message one line naming the values.
     * @param cause   the underlying failure.
     */
    public RamshiftException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
