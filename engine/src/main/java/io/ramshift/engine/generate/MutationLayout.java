package io.ramshift.engine.generate;

import io.ramshift.engine.ImageException;

import java.util.Locale;

/**
 * Where the pages an {@link ImageMutator} changes lie: single pages, or aligned runs of pages.
 */
public enum MutationLayout
{
    /** Single pages chosen uniformly over the image. */
    SCATTERED,

    /** Runs of a set number of pages at random positions aligned to that number. */
    CLUSTERED;

    /** @return the name used on the command line: {@code scattered} or {@code clustered}. */
    public String cliName()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param name {@code scattered} or {@code clustered}, any case.
     * @return the layout.
     * @throws ImageException naming the text when it is neither.
     */
    public static MutationLayout byName(final String name)
    {
        for (final MutationLayout layout : values())
        {
            if (layout.cliName().equalsIgnoreCase(String.valueOf(name).trim()))
            {
                return layout;
            }
        }
        throw new ImageException("unknown mutation layout: layout=" + name + " (expected scattered or clustered)");
    }
}
