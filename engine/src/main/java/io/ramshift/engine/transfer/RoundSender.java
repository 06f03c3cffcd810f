package io.ramshift.engine.transfer;

import io.ramshift.engine.image.MappedImage;

/**
 * What a live migration's round driver may ask of the stream that did the bulk round: send more pages, wait for
 * them to be on the wire, and read the hashes of what was sent.
 */
public interface RoundSender
{
    /** @return the source image. */
    MappedImage image();

    /**
     * Send pages again as they are now (zero or data decided by reading them); free-page hints no longer apply.
     *
     * @param firstPage first page.
     * @param pageCount pages.
     */
    void sendPages(long firstPage, long pageCount);

    /**
     * Hand every pending batch to the socket and wait until all are written.
     *
     * @return bytes this stream has written to the socket so far.
     */
    long flushRound();

    /** @return hashes of the content last sent per page. */
    PageHashLedger ledger();

    /**
     * Switch to post-copy (the writer is stopped): the destination starts now; the pages not current there are
     * pushed in the background and demanded by its readers. Returns when every page was acknowledged.
     *
     * @param pending  pages not current at the destination.
     * @param hot      pages to push first, or null.
     * @param hotCount entries of {@code hot}.
     */
    void postcopy(io.ramshift.engine.image.AtomicPageBitmap pending, long[] hot, int hotCount);

    /**
     * Pure post-copy replaces the bulk round, so the bulk round's rule applies: pages the guest reported free are
     * current at the switch (neither pushed nor demanded; the destination keeps whatever it holds there).
     *
     * @param pending every page; the free ones are cleared.
     * @return pages cleared.
     */
    default long skipFreePages(final io.ramshift.engine.image.AtomicPageBitmap pending)
    {
        return 0;
    }
}
