package io.ramshift.engine.scan;

/**
 * What a scan decided about a page: free (reported by the guest, never read), zero, or data.
 */
public final class PageClass
{
    /** The guest reported the page free: its content need not travel. */
    public static final int FREE = 0;
    /** Every byte of the page is zero (or the page is a hole). */
    public static final int ZERO = 1;
    /** The page holds data that must travel. */
    public static final int DATA = 2;

    private PageClass()
    {
    }

    /**
     * @param pageClass one of the constants.
     * @return its name.
     */
    public static String name(final int pageClass)
    {
        switch (pageClass)
        {
            case FREE: return "free";
            case ZERO: return "zero";
            case DATA: return "data";
            default: return "unknown(" + pageClass + ")";
        }
    }
}
