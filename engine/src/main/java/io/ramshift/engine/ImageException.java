package io.ramshift.engine;

/**
 * A source image or bitmap that cannot be used: missing, truncated, wrong size, changed while read.
 */
public final class ImageException extends RamshiftException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the file and the values.
     */
    public ImageException(final String message)
    {
        super(message);
    }

    /**
     * @param message names the file and the values.
     * @param cause   the underlying failure.
     */
    public ImageException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
