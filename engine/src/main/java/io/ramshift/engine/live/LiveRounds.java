package io.ramshift.engine.live;

import io.ramshift.engine.scan.RunConsumer;
import io.ramshift.engine.transfer.RoundDriver;
import io.ramshift.engine.transfer.RoundSender;
import org.agrona.collections.LongArrayList;

import java.util.ArrayList;
import java.util.List;

import static io.ramshift.engine.image.MappedImage.PAGE_SIZE;

/**
 * The rounds of a live pre-copy after the bulk round: resend what changed, round after round, until the final
 * round is estimated to fit the downtime limit (collection time plus changed bytes / bandwidth measured in the
 * last round), or sending what changed costs less than a quarter of collecting it (more rounds cannot help), or a
 * round or time limit is reached; then run the stop hook (the guest stops), collect once more, send the final
 * round and return, so the stream can end the session with its digest and wait for the verified result.
 */
public final class LiveRounds implements RoundDriver, RunConsumer
{
    /** Called when rounds stop shrinking, so the writer can be asked to slow down. */
    public interface AutoConverge
    {
        /**
         * @param round        round just collected.
         * @param dirtyPages   pages changed in it.
         * @param previousPages pages changed in the round before.
         */
        void slowDown(int round, long dirtyPages, long previousPages);
    }

    private final DirtySource source;
    private final long downtimeLimitNanos;
    private final int maxRounds;
    private final long maxNanos;
    private final Runnable stopHook;
    private final AutoConverge autoConverge;
    private final long startNanos;
    private final LongArrayList runs = new LongArrayList();
    private final List<RoundFigures> rounds = new ArrayList<>();
    private long stopNanos;
    private boolean forcedStop;
    private long estimatedFinalNanos;
    private int postcopyAfter = -1;
    private boolean postcopyFromStart;
    private int hotPagesMax = 4096;
    private volatile boolean postcopyRequested;
    private long switchNanos;
    private long pagesAtSwitch;
    private String switchReason;
    private final LongArrayList lastSentRuns = new LongArrayList();

    /**
     * @param source             where changed pages come from.
     * @param downtimeLimitNanos stop when the final round is estimated to take no longer.
     * @param maxRounds          stop after this many rounds after the bulk round, converged or not.
     * @param maxNanos           stop after this long since construction, converged or not.
     * @param stopHook           stops the writer (e.g. pauses the guest); runs on the sender's thread.
     * @param autoConverge       asked to slow the writer when rounds stop shrinking, or null.
     */
    public LiveRounds(final DirtySource source, final long downtimeLimitNanos, final int maxRounds,
        final long maxNanos, final Runnable stopHook, final AutoConverge autoConverge)
    {
        this.source = source;
        this.downtimeLimitNanos = downtimeLimitNanos;
        this.maxRounds = maxRounds;
        this.maxNanos = maxNanos;
        this.stopHook = stopHook;
        this.autoConverge = autoConverge;
        this.startNanos = System.nanoTime();
    }

    /**
     * Enable post-copy: switch after {@code afterRounds} rounds after the bulk round, earlier when rounds stop
     * converging (the dirty set did not shrink by 10% over two rounds) or on {@link #requestPostcopy()}, and
     * instead of a final round that would exceed the downtime limit.
     *
     * @param afterRounds  rounds after the bulk round before the switch; ignored when {@code fromStart}.
     * @param fromStart    pure post-copy: switch before the bulk round.
     * @param hotPagesMax  most pages of the hot list pushed first.
     * @return this for a fluent API.
     */
    public LiveRounds postcopy(final int afterRounds, final boolean fromStart, final int hotPagesMax)
    {
        this.postcopyAfter = Math.max(0, afterRounds);
        this.postcopyFromStart = fromStart;
        this.hotPagesMax = Math.max(0, hotPagesMax);
        return this;
    }

    /** Ask a post-copy-enabled session to switch at the next round boundary (any thread). */
    public void requestPostcopy()
    {
        postcopyRequested = true;
    }

    /** @return true when the session switches before the bulk round. */
    public boolean postcopyFromStart()
    {
        return postcopyFromStart && postcopyAfter >= 0;
    }

    /**
     * Run the rounds after the bulk round.
     */
    public void rounds(final RoundSender sender)
    {
        if (postcopyFromStart())
        {
            final long start = System.nanoTime();
            final io.ramshift.engine.image.AtomicPageBitmap pending =
                new io.ramshift.engine.image.AtomicPageBitmap(sender.image().pageCount());
            pending.setRange(0, sender.image().pageCount());
            sender.skipFreePages(pending);
            switchReason = "pure post-copy";
            switchToPostcopy(sender, pending, 0, start, 0);
            return;
        }
        long now = System.nanoTime();
        long bytes = sender.flushRound();
        rounds.add(new RoundFigures(0, -1, bytes, now - startNanos, 0, false));
        double bytesPerNano = bytes / (double)Math.max(1, now - startNanos);
        long previousPages = Long.MAX_VALUE;
        long earlierPages = Long.MAX_VALUE;
        long roundStart = now;
        long previousRoundNanos = now - startNanos;
        for (int round = 1; ; round++)
        {
            runs.clear();
            final long collectStart = System.nanoTime();
            final long dirtyPages = source.collect(sender, this);
            now = System.nanoTime();
            // the final round collects once more (a rescan may cost more than sending) and then sends
            final long collectNanos = now - collectStart;
            final long sendNanos = (long)(dirtyPages * (double)PAGE_SIZE / Math.max(bytesPerNano, 1e-3));
            estimatedFinalNanos = collectNanos + sendNanos;
            // also converged, once the bulk round's backlog went in round 1, when what is left to send costs less
            // than a quarter of collecting it: another round pays the collection again and cannot shorten the final
            // round by more than that (a hash rescan's fixed cost may alone exceed the limit)
            final boolean converged = estimatedFinalNanos <= downtimeLimitNanos ||
                round >= 2 && sendNanos <= collectNanos / 4;
            final boolean limit = round > maxRounds || now - startNanos >= maxNanos;
            if (postcopyAfter >= 0)
            {
                // stalled: two rounds did not shrink the dirty set by a tenth
                final boolean stalled = round >= 3 && earlierPages != Long.MAX_VALUE &&
                    dirtyPages > earlierPages - earlierPages / 10;
                final boolean requested = postcopyRequested;
                if (requested || !converged && (round > postcopyAfter || stalled || limit))
                {
                    switchReason = requested ? "requested" : round > postcopyAfter ? "round limit" :
                        stalled ? "not converging" : "limit";
                    final DirtyPageBitmap union = new DirtyPageBitmap(sender.image().pageCount());
                    final long stop = System.nanoTime();
                    stopNanos = stop;
                    stopHook.run();
                    markRuns(union);
                    runs.clear();
                    source.collect(sender, this);
                    markRuns(union);
                    runs.clear();
                    final io.ramshift.engine.image.AtomicPageBitmap pending =
                        new io.ramshift.engine.image.AtomicPageBitmap(sender.image().pageCount());
                    union.drain((pageClass, first, count) -> pending.setRange(first, count));
                    switchToPostcopy(sender, pending, round, stop, bytes);
                    return;
                }
            }
            if (converged || limit)
            {
                forcedStop = !converged;
                stopNanos = System.nanoTime();
                stopHook.run();
                final long finalStart = System.nanoTime();
                // what changed before the stop plus what changed until it, each page once
                final DirtyPageBitmap union = new DirtyPageBitmap(sender.image().pageCount());
                markRuns(union);
                runs.clear();
                source.collect(sender, this);
                markRuns(union);
                runs.clear();
                final long finalPages = union.drain(this);
                sendRuns(sender);
                final long finalBytes = sender.flushRound();
                rounds.add(new RoundFigures(round, finalPages, finalBytes - bytes, System.nanoTime() - finalStart,
                    dirtyPages * 1e9 / Math.max(1, previousRoundNanos), true));
                return;
            }
            if (autoConverge != null && dirtyPages >= previousPages - previousPages / 10)
            {
                autoConverge.slowDown(round, dirtyPages, previousPages);
            }
            sendRuns(sender);
            lastSentRuns.clear();
            lastSentRuns.addAll(runs);
            final long sent = sender.flushRound();
            final long end = System.nanoTime();
            rounds.add(new RoundFigures(round, dirtyPages, sent - bytes, end - now,
                dirtyPages * 1e9 / Math.max(1, previousRoundNanos), false));
            if (sent > bytes)
            {
                bytesPerNano = (sent - bytes) / (double)Math.max(1, end - now);
            }
            previousRoundNanos = end - roundStart;
            roundStart = end;
            bytes = sent;
            earlierPages = previousPages;
            previousPages = dirtyPages;
        }
    }

    private void switchToPostcopy(final RoundSender sender, final io.ramshift.engine.image.AtomicPageBitmap pending,
        final int round, final long stop, final long bytesBefore)
    {
        if (stopNanos == 0)
        {
            stopNanos = stop;
            stopHook.run();
        }
        forcedStop = false;
        // hot: pending pages that were dirtied in the last round too (most often and most recently written)
        final LongArrayList hot = new LongArrayList();
        for (int i = 0, n = lastSentRuns.size(); i < n && hot.size() < hotPagesMax; i += 2)
        {
            for (long page = lastSentRuns.getLong(i), end = page + lastSentRuns.getLong(i + 1);
                page < end && hot.size() < hotPagesMax; page++)
            {
                if (pending.isSet(page))
                {
                    hot.addLong(page);
                }
            }
        }
        pagesAtSwitch = pending.cardinality();
        switchNanos = System.nanoTime();
        sender.postcopy(pending, hot.toLongArray(), hot.size());
        final long bytesAfter = sender.flushRound();
        rounds.add(new RoundFigures(round, pagesAtSwitch, bytesAfter - bytesBefore, System.nanoTime() - switchNanos,
            0, true));
    }

    /** @return true when the session switched to post-copy. */
    public boolean switchedToPostcopy()
    {
        return switchNanos != 0;
    }

    /** @return the nanosecond clock at the post-copy switch (0 when it did not switch). */
    public long switchNanos()
    {
        return switchNanos;
    }

    /** @return pages not current at the destination at the switch. */
    public long pagesAtSwitch()
    {
        return pagesAtSwitch;
    }

    /** @return why the session switched ("pure post-copy", "round limit", "not converging", "requested",
     * "limit"), or null. */
    public String switchReason()
    {
        return switchReason;
    }

    private void markRuns(final DirtyPageBitmap bitmap)
    {
        for (int i = 0, n = runs.size(); i < n; i += 2)
        {
            bitmap.markRange(runs.getLong(i), runs.getLong(i + 1));
        }
    }

    private void sendRuns(final RoundSender sender)
    {
        for (int i = 0, n = runs.size(); i < n; i += 2)
        {
            sender.sendPages(runs.getLong(i), runs.getLong(i + 1));
        }
    }

    /**
     * Collects the changed runs of a round.
     */
    public void onRun(final int pageClass, final long firstPage, final long pageCount)
    {
        runs.addLong(firstPage);
        runs.addLong(pageCount);
    }

    /** @return where changed pages come from. */
    public DirtySource source()
    {
        return source;
    }

    /** @return figures per round, the bulk round first and the final round last. */
    public List<RoundFigures> figures()
    {
        return rounds;
    }

    /** @return the nanosecond clock when the stop hook was called (0 before). */
    public long stopNanos()
    {
        return stopNanos;
    }

    /** @return true when the rounds did not converge and the stop was forced by a limit. */
    public boolean forcedStop()
    {
        return forcedStop;
    }

    /** @return the estimated duration of the final round when the stop was decided. */
    public long estimatedFinalNanos()
    {
        return estimatedFinalNanos;
    }
}
