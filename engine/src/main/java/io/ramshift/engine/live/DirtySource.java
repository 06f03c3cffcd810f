package io.ramshift.engine.live;

import io.ramshift.engine.scan.RunConsumer;
import io.ramshift.engine.transfer.RoundSender;

/**
 * Where a live migration learns which pages changed since the previous round.
 */
public interface DirtySource
{
    /**
     * Deliver every page changed since the last call (or since it was sent in the bulk round) as runs.
     *
     * @param sender   the stream, for the image and the hashes of what was sent.
     * @param consumer receives runs of changed pages in ascending order.
     * @return pages delivered.
     */
    long collect(RoundSender sender, RunConsumer consumer);
}
