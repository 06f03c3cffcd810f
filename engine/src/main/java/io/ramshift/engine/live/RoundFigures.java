package io.ramshift.engine.live;

/**
 * Figures of one round of a live migration.
 */
public final class RoundFigures
{
    /** Round number: 0 is the bulk round. */
    public final int round;
    /** Pages sent in the round (for the bulk round: -1, see the transfer stats). */
    public final long pages;
    /** Bytes written to the socket in the round. */
    public final long bytes;
    /** Nanoseconds from the start of the round to its last byte on the socket. */
    public final long nanos;
    /** Pages the guest dirtied per second while the previous round ran. */
    public final double dirtyRate;
    /** True for the final round, sent after the stop hook. */
    public final boolean last;

    RoundFigures(final int round, final long pages, final long bytes, final long nanos, final double dirtyRate,
        final boolean last)
    {
        this.round = round;
        this.pages = pages;
        this.bytes = bytes;
        this.nanos = nanos;
        this.dirtyRate = dirtyRate;
        this.last = last;
    }
}
