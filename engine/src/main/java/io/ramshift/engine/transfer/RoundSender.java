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
}
