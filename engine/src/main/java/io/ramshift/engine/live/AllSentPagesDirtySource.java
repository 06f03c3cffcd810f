package io.ramshift.engine.live;

import io.ramshift.engine.scan.PageClass;
import io.ramshift.engine.scan.RunConsumer;
import io.ramshift.engine.transfer.PageHashLedger;
import io.ramshift.engine.transfer.RoundSender;

/**
 * The naive baseline of the live benchmark: every page sent in the bulk round counts as changed in every round,
 * i.e. all non-free pages are resent each round, as a migrator without dirty tracking must.
 */
public final class AllSentPagesDirtySource implements DirtySource
{
    /**
     * Deliver every page sent before.
     */
    public long collect(final RoundSender sender, final RunConsumer consumer)
    {
        final PageHashLedger ledger = sender.ledger();
        long pages = 0;
        long runFirst = -1;
        long runCount = 0;
        for (long page = 0, n = ledger.pageCount(); page < n; page++)
        {
            if (!ledger.isRecorded(page))
            {
                continue;
            }
            pages++;
            if (runCount > 0 && runFirst + runCount == page)
            {
                runCount++;
                continue;
            }
            if (runCount > 0)
            {
                consumer.onRun(PageClass.DATA, runFirst, runCount);
            }
            runFirst = page;
            runCount = 1;
        }
        if (runCount > 0)
        {
            consumer.onRun(PageClass.DATA, runFirst, runCount);
        }
        return pages;
    }
}
