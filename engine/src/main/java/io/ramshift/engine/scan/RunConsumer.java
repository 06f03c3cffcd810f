package io.ramshift.engine.scan;

/**
 * Receives coalesced runs of pages of one {@link PageClass}, in ascending page order.
 */
public interface RunConsumer
{
    /**
     * @param pageClass {@link PageClass#FREE}, {@code ZERO} or {@code DATA}.
     * @param firstPage first page of the run.
     * @param pageCount pages in the run, at least one.
     */
    void onRun(int pageClass, long firstPage, long pageCount);
}
