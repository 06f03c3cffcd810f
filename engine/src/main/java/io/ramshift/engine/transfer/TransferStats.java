package io.ramshift.engine.transfer;

/**
 * Counters of one side of a transfer: pages per class, runs, batches, bytes on the wire, digest and times.
 * Written by the transfer thread; read after the transfer ends.
 */
public final class TransferStats
{
    /** Pages of the image. */
    public long imagePages;
    /** Bytes of the image. */
    public long imageBytes;
    /** Pages reported free and skipped. */
    public long freePages;
    /** Zero pages (sent as ZERO runs, no bytes). */
    public long zeroPages;
    /** Data pages (sent as bytes). */
    public long dataPages;
    /** Zero runs. */
    public long zeroRuns;
    /** Data runs. */
    public long dataRuns;
    /** RUN_BATCH frames. */
    public long batches;
    /** Bytes this side wrote to the connection. */
    public long bytesSent;
    /** Bytes this side read from the connection. */
    public long bytesReceived;
    /** Bytes written to the destination file (receiver). */
    public long bytesWritten;
    /** Digest of the image as this side saw it. */
    public long digest;
    /** Allocated bytes of the source found with SEEK_DATA (sender), or -1 when not looked up. */
    public long allocatedBytes = -1;
    /** Destination state from HELLO_ACK. */
    public int destinationState;
    /** True when the receiver confirmed the digest and synced (sender), or checked it (receiver). */
    public boolean verified;
    /** Nanosecond clock at the start. */
    public long startNanos;
    /** Nanosecond clock at the end. */
    public long endNanos;
    /** Nanoseconds spent in fsync (receiver). */
    public long syncNanos;

    /** @return seconds between start and end. */
    public double seconds()
    {
        return (endNanos - startNanos) / 1e9;
    }

    /** @return pages sent as runs (zero and data). */
    public long pagesSent()
    {
        return zeroPages + dataPages;
    }
}
