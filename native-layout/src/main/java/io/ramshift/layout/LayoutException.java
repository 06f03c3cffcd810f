package io.ramshift.layout;

/**
 * A binary layout that does not hold: wrong length, bad magic, unsupported version, field out of range.
 */
public final class LayoutException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the offending values, e.g. {@code "bitmap length=8 expected=16 pages=65"}.
     */
    public LayoutException(final String message)
    {
        super(message);
    }
}
