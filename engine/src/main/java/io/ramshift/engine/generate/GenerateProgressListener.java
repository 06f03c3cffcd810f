package io.ramshift.engine.generate;

/**
 * Told how far image generation has got; called from the thread that runs
 * {@link ImageGenerator#generate()}, a few times per second at most, and once more at the end.
 */
@FunctionalInterface
public interface GenerateProgressListener
{
    /**
     * Progress so far.
     *
     * @param pagesDone  pages written or skipped so far.
     * @param pagesTotal pages of the image.
     */
    void onProgress(long pagesDone, long pagesTotal);
}
