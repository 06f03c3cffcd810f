package io.ramshift.engine.postcopy;

import org.HdrHistogram.Histogram;

/**
 * Figures of one end of a post-copy phase: plain fields written by that end, read once it finished.
 */
public final class PostcopyFigures
{
    /** Nanosecond clock at the switch. */
    public long switchNanos;
    /** Nanosecond clock when every page was acknowledged (sender) or applied (receiver). */
    public long completeNanos;
    /** Nanosecond clock when the background push sent its last page (sender). */
    public long pushEndNanos;
    /** Pages not current at the destination at the switch. */
    public long pagesAtSwitch;
    /** Pages sent (sender) or applied (receiver) by the background push. */
    public long pushedPages;
    /** Demands served (sender) or sent (receiver). */
    public long demandedPages;
    /** Demanded pages applied from demand replies (receiver). */
    public long repliedPages;
    /** Neighbours sent with demand replies (sender) or applied from them (receiver). */
    public long prefetchedPages;
    /** Bytes of push frames written (sender). */
    public long pushBytes;
    /** Copies of a page that arrived after it was applied and were dropped (receiver). */
    public long duplicatePages;
    /** Pages acknowledged (sender: received; receiver: sent). */
    public long ackedPages;
    /** Times an unanswered demand outlived the demand timeout and the link was taken as dead (receiver). */
    public long demandTimeouts;
    /** Push frames sent as one LZ4 block (sender). */
    public long lz4PushFrames;
    /** Times the link was re-established. */
    public long reconnects;
    /** Reads that found their page not current (receiver). */
    public long faults;
    /** Pages the destination's readers read (receiver). */
    public long readerPagesRead;
    /** Bytes written and read on connections that were replaced by a reconnect or closed (both ends). */
    public long retiredBytesWritten;
    /** See {@link #retiredBytesWritten}. */
    public long retiredBytesRead;
    /** Demand-fault latency in microseconds: from the read that found the page missing until it was current. */
    public final Histogram faultLatencyMicros = new Histogram(3_600_000_000L, 3);

    /** @return bytes per second of the background push, from the switch to its last frame. */
    public double pushBytesPerSecond()
    {
        final long end = pushEndNanos != 0 ? pushEndNanos : completeNanos;
        return end <= switchNanos ? 0 : pushBytes * 1e9 / (end - switchNanos);
    }

    /** @return seconds from the switch until complete. */
    public double postcopySeconds()
    {
        return completeNanos <= switchNanos ? 0 : (completeNanos - switchNanos) / 1e9;
    }
}
